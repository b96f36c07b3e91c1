package guest

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/provider"
)

const testKey = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"

const testConfig = `{"version":1,"region":"eu","chain":{"rpc":"http://10.0.2.100:8545","payment":"0x0000000000000000000000000000000000000001"},
"pricing":[{"token":"0x0000000000000000000000000000000000000002","prices":{"cpu":"1","memory":"2"},"minDisputePeriod":"20s"}],
"p2p":{"announce":["/ip4/127.0.0.1/tcp/4101"]},"gateway":{"http":"0.0.0.0:8080","domain":"pods.localhost"}}`

func configDisk(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range []string{"config.json", "wallet.key", "extra"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	// A raw disk: the archive, then zeros.
	return append(buf.Bytes(), make([]byte, 64<<10)...)
}

func TestReadConfigDisk(t *testing.T) {
	c, key, err := ReadConfigDisk(bytes.NewReader(configDisk(t, map[string]string{"config.json": testConfig, "wallet.key": testKey + "\n"})))
	if err != nil {
		t.Fatal(err)
	}
	if c.WalletAddress != "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23" || string(key) != testKey+"\n" {
		t.Fatalf("wallet %s", c.WalletAddress)
	}
	if c.Network.Address != "10.0.2.15/24" || c.P2P.Listen[0] != "/ip4/0.0.0.0/tcp/4001" {
		t.Fatalf("defaults: %+v %v", c.Network, c.P2P.Listen)
	}
	canon, _ := c.Canonical()
	if bytes.Contains(canon, []byte(testKey)) || !bytes.Contains(canon, []byte(c.WalletAddress)) {
		t.Fatalf("canonical form holds the key or lacks the address: %s", canon)
	}
	// The hash is stable across spacing and key order of the input, and
	// changes with any setting.
	c2, _, err := ReadConfigDisk(bytes.NewReader(configDisk(t, map[string]string{"config.json": strings.ReplaceAll(testConfig, ",", " ,\n "), "wallet.key": testKey})))
	if err != nil {
		t.Fatal(err)
	}
	if c.Hash() != c2.Hash() {
		t.Fatal("the same settings hash differently")
	}
	c3, _, _ := ReadConfigDisk(bytes.NewReader(configDisk(t, map[string]string{"config.json": strings.Replace(testConfig, `"cpu":"1"`, `"cpu":"2"`, 1), "wallet.key": testKey})))
	if c.Hash() == c3.Hash() {
		t.Fatal("a price change keeps the hash")
	}
}

// The operator cannot set what the image fixes: such fields are refused.
func TestOperatorCannotWeakenIsolation(t *testing.T) {
	for _, extra := range []string{
		`"runtime":{"containerd":{"sandbox":"runc"}}`,
		`"tee":"simulated"`,
		`"dataDir":"/tmp"`,
		`"ipfs":{"mode":"external","api":"/ip4/10.0.2.2/tcp/5001"}`,
		`"walletAddress":"0x0000000000000000000000000000000000000003"`,
		`"allowSimulatedTEE":true`,
	} {
		cfg := strings.Replace(testConfig, `"version":1,`, `"version":1,`+extra+`,`, 1)
		if _, _, err := ReadConfigDisk(bytes.NewReader(configDisk(t, map[string]string{"config.json": cfg, "wallet.key": testKey}))); err == nil {
			t.Errorf("accepted %s", extra)
		}
	}
}

func TestConfigDiskRefusesBadInput(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"no wallet":   {"config.json": testConfig},
		"no config":   {"wallet.key": testKey},
		"bad key":     {"config.json": testConfig, "wallet.key": "zz"},
		"extra file":  {"config.json": testConfig, "wallet.key": testKey, "extra": "x"},
		"bad json":    {"config.json": testConfig + "}", "wallet.key": testKey},
		"bad version": {"config.json": strings.Replace(testConfig, `"version":1`, `"version":2`, 1), "wallet.key": testKey},
	} {
		if _, _, err := ReadConfigDisk(bytes.NewReader(configDisk(t, files))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, err := ReadConfigDisk(bytes.NewReader(make([]byte, 4096))); err == nil {
		t.Error("blank disk accepted")
	}
}

// The image's own configuration (image/config.json) is valid and fixes a
// private containerd with network isolation on the data disk.
func TestRepoImageConfig(t *testing.T) {
	b, err := os.ReadFile("../../image/config.json")
	if err != nil {
		t.Fatal(err)
	}
	img, err := ParseImageConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	op, _, err := ReadConfigDisk(bytes.NewReader(configDisk(t, map[string]string{"config.json": testConfig, "wallet.key": testKey})))
	if err != nil {
		t.Fatal(err)
	}
	fc := ProviderConfig(img, op, "simulated", "/run/tpod/wallet.key")
	if fc.Runtime.Kind != "containerd" || !strings.HasPrefix(fc.DataDir, "/data/") || fc.OperatorConfigHash == "" || !fc.ClaimOnStop {
		t.Fatalf("%+v", fc)
	}
}

// TestOperatorConfigReachesTheProvider: the canonical operator
// configuration goes to the provider byte for byte (its hash still names
// it), even with characters JSON encoders like to escape.
func TestOperatorConfigReachesTheProvider(t *testing.T) {
	img, err := ParseImageConfig([]byte(`{"version":1,"dataDir":"/data/provider","logFile":"/data/log/p.log","runtime":{"kind":"containerd"}}`))
	if err != nil {
		t.Fatal(err)
	}
	op, _, err := ReadConfigDisk(bytes.NewReader(configDisk(t, map[string]string{
		"config.json": strings.Replace(testConfig, "http://10.0.2.100:8545", "http://10.0.2.100:8545/?a=1&b=<2>", 1), "wallet.key": testKey})))
	if err != nil {
		t.Fatal(err)
	}
	// As init writes provider.json and the provider reads it (YAML).
	b, err := json.Marshal(ProviderConfig(img, op, "simulated", "/run/tpod/wallet.key"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "provider.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	fc, err := provider.LoadFileConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	h := op.Hash()
	if sum := sha256.Sum256([]byte(fc.OperatorConfig)); sum != h || fc.OperatorConfigHash != hex.EncodeToString(h[:]) {
		t.Fatalf("operator configuration changed on its way: %s", fc.OperatorConfig)
	}
}

// TestSimulatedLaunchRecord: the host's launch record on the seal disk is
// read back; a disk without one gives none; other data there is refused.
func TestSimulatedLaunchRecord(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "seal.img")
	if err := os.WriteFile(disk, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if kh, err := simLaunch(disk); kh != nil || err != nil {
		t.Fatalf("blank disk: %v %v", kh, err)
	}
	if _, err := simSealKey(disk); err != nil {
		t.Fatal(err)
	}
	want := measure.KernelHashes{Kernel: sha256.Sum256([]byte("k")), Initrd: sha256.Sum256([]byte("i")), Cmdline: measure.CmdlineSHA256("c")}
	if err := WriteSimulatedLaunch(disk, want); err != nil {
		t.Fatal(err)
	}
	if kh, err := simLaunch(disk); err != nil || *kh != want {
		t.Fatalf("launch record %v %v", kh, err)
	}
	// The key written at first boot is untouched by the record.
	if _, err := simSealKey(disk); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(disk, os.O_RDWR, 0)
	f.WriteAt([]byte("something else"), 4096)
	f.Close()
	if _, err := simLaunch(disk); err == nil {
		t.Fatal("a foreign launch record was accepted")
	}
}

func FuzzReadConfigDisk(f *testing.F) {
	f.Add(configDisk(f, map[string]string{"config.json": testConfig, "wallet.key": testKey}))
	f.Add(configDisk(f, map[string]string{"config.json": `{"version":1}`, "wallet.key": testKey}))
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, disk []byte) {
		c, key, err := ReadConfigDisk(bytes.NewReader(disk))
		if err != nil {
			return
		}
		if len(key) == 0 || c.WalletAddress == "" || c.Network.Address == "" {
			t.Fatalf("accepted an incomplete configuration: %+v", c)
		}
		c.Hash()
	})
}
