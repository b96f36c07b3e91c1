package guest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/trustedpods/tpod/internal/enclave"
	"github.com/trustedpods/tpod/internal/measure"
)

// Disk serials (QEMU: -drive ...,serial=NAME): how the guest tells its
// disks apart, whatever order the host attaches them in.
const (
	SerialData   = "tpod-data"
	SerialConfig = "tpod-config"
	// SerialSeal is the simulated TEE's sealing-key disk: NOT protected.
	SerialSeal = "tpod-seal-insecure"
)

// DataMount is where the encrypted data disk is mounted.
const DataMount = "/data"

// findDisk waits up to timeout for the virtio disk whose serial is serial
// and returns its device path.
func findDisk(serial string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		ents, _ := os.ReadDir("/sys/block")
		for _, e := range ents {
			s, err := os.ReadFile(filepath.Join("/sys/block", e.Name(), "serial"))
			if err == nil && strings.TrimSpace(string(s)) == serial {
				return "/dev/" + e.Name(), nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no disk with serial %q is attached", serial)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Config-disk limits: a tar archive (ustar) written raw on the disk.
const (
	maxConfigDisk = 1 << 20
	maxWalletKey  = 1 << 10
)

// ReadConfigDisk parses the operator's configuration disk: a tar archive
// holding config.json and wallet.key, nothing else (docs/image.md).
func ReadConfigDisk(r io.Reader) (*OperatorConfig, []byte, error) {
	tr := tar.NewReader(io.LimitReader(r, maxConfigDisk))
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("config disk: not a tar archive of config.json and wallet.key: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, nil, fmt.Errorf("config disk: %q is not a regular file", h.Name)
		}
		name := strings.TrimPrefix(h.Name, "./")
		limit := int64(MaxOperatorConfig)
		switch name {
		case "config.json":
		case "wallet.key":
			limit = maxWalletKey
		default:
			return nil, nil, fmt.Errorf("config disk: unexpected file %q (only config.json and wallet.key)", h.Name)
		}
		if _, dup := files[name]; dup {
			return nil, nil, fmt.Errorf("config disk: %s appears twice", name)
		}
		if h.Size > limit {
			return nil, nil, fmt.Errorf("config disk: %s is larger than %d bytes", name, limit)
		}
		b, err := io.ReadAll(io.LimitReader(tr, limit))
		if err != nil {
			return nil, nil, fmt.Errorf("config disk: %s: %w", name, err)
		}
		files[name] = b
	}
	if files["config.json"] == nil || files["wallet.key"] == nil {
		return nil, nil, errors.New("config disk: config.json and wallet.key are both required")
	}
	c, err := ParseOperatorConfig(files["config.json"], files["wallet.key"])
	if err != nil {
		return nil, nil, err
	}
	return c, files["wallet.key"], nil
}

// simSealKey reads the simulated TEE's sealing key from its disk, making
// one on a blank disk. The disk layout: the magic line, then 32 key bytes.
func simSealKey(dev string) ([]byte, error) {
	const magic = "TPOD-SIMULATED-SEALING-KEY-INSECURE-1\n"
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, 512)
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("read the sealing-key disk: %w", err)
	}
	if bytes.HasPrefix(buf, []byte(magic)) {
		return bytes.Clone(buf[len(magic) : len(magic)+32]), nil
	}
	if !allZero(buf) {
		return nil, errors.New("the simulated sealing-key disk holds something else; give it a blank disk")
	}
	key := make([]byte, 32)
	rand.Read(key)
	copy(buf, magic)
	copy(buf[len(magic):], key)
	if _, err := f.WriteAt(buf, 0); err != nil {
		return nil, err
	}
	return key, f.Sync()
}

// The simulated TEE's launch record, at simLaunchOffset on its seal disk: the
// magic line, then the SHA-256s of the kernel, the initrd and the command
// line (with its NUL) the VM was launched with. The host launcher writes it
// at every launch, as a firmware is handed the kernel-hashes table by its
// host; the simulated TEE's measurement is computed from it
// (attest.SimulatedMeasurement). It is the host's claim and proves nothing.
const (
	simLaunchMagic  = "TPOD-SIMULATED-LAUNCH-INSECURE-1\n"
	simLaunchOffset = 4096
)

// WriteSimulatedLaunch records the launch inputs on the simulated TEE's
// seal disk (a file or device of at least 8 KiB), leaving its key alone.
func WriteSimulatedLaunch(path string, kh measure.KernelHashes) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	rec := append([]byte(simLaunchMagic), kh.Kernel[:]...)
	rec = append(append(rec, kh.Initrd[:]...), kh.Cmdline[:]...)
	if _, err := f.WriteAt(rec, simLaunchOffset); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// simLaunch reads the launch record from the seal disk: nil when the host
// wrote none (the measurement is then zero, which no policy for an image
// accepts).
func simLaunch(dev string) (*measure.KernelHashes, error) {
	f, err := os.Open(dev)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, len(simLaunchMagic)+3*32)
	if _, err := f.ReadAt(buf, simLaunchOffset); err != nil {
		return nil, fmt.Errorf("read the launch record: %w", err)
	}
	if allZero(buf) {
		return nil, nil
	}
	if !bytes.HasPrefix(buf, []byte(simLaunchMagic)) {
		return nil, errors.New("the seal disk holds something else where the launch record goes")
	}
	var kh measure.KernelHashes
	r := buf[len(simLaunchMagic):]
	copy(kh.Kernel[:], r)
	copy(kh.Initrd[:], r[32:])
	copy(kh.Cmdline[:], r[64:])
	return &kh, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// dataDisk opens (or formats) the encrypted, integrity-protected data
// disk: LUKS2 with dm-integrity (HMAC-SHA256 per sector) under a random
// volume passphrase that is sealed by the TEE and kept in the LUKS2 header
// as a token. A nil sealer (TDX: no sealing key) means a fresh passphrase
// and a fresh file system at every boot.
type dataDisk struct {
	dev    string
	name   string // device-mapper name
	sealer enclave.Sealer
	erase  bool // the operator allows erasing a disk that does not open
	log    func(format string, args ...any)
	// noWipe skips dm-integrity's initial wipe. Not used: mkfs.ext4 then
	// reads sectors never written (block 0 when it probes, pages around
	// the inodes it writes through the block device's page cache), which
	// fail their tags (docs/image.md §5).
	noWipe bool
}

// tokenType is the LUKS2 token that holds the sealed passphrase.
const tokenType = "tpod-sealed-passphrase"

type sealedToken struct {
	Type     string   `json:"type"`
	Keyslots []string `json:"keyslots"`
	Sealed   string   `json:"sealed"` // base64
}

// ErrForeignDisk means the data disk holds something this image cannot
// open; it is never formatted without the operator's consent.
var ErrForeignDisk = errors.New("the data disk does not open with this image's sealing key")

func (d *dataDisk) open(ctx context.Context) error {
	mapped := "/dev/mapper/" + d.name
	if d.sealer == nil {
		d.log("TEE without a sealing key: the data disk is formatted with a new key at every boot")
		return d.format(ctx)
	}
	isLuks := run(ctx, nil, "cryptsetup", "isLuks", "--type", "luks2", d.dev) == nil
	if !isLuks {
		blank, err := d.blank()
		if err != nil {
			return err
		}
		if !blank && !d.erase {
			return fmt.Errorf("%w: it is not blank and not a tpod data disk (set eraseDataDisk in config.json to format it)", ErrForeignDisk)
		}
		d.log("formatting the data disk %s (%s)", d.dev, map[bool]string{true: "blank", false: "eraseDataDisk is set"}[blank])
		return d.format(ctx)
	}
	pass, err := d.unsealPassphrase(ctx)
	if err != nil {
		if !d.erase {
			return fmt.Errorf("%w: %w (written by another image, chip or host? set eraseDataDisk in config.json to format it)", ErrForeignDisk, err)
		}
		d.log("the data disk does not open (%v); eraseDataDisk is set: formatting it", err)
		return d.format(ctx)
	}
	defer clear(pass)
	if err := run(ctx, pass, "cryptsetup", "open", "--type", "luks2", "--key-file", "-", d.dev, d.name); err != nil {
		return fmt.Errorf("open the data disk: %w", err)
	}
	_ = mapped
	return nil
}

// blank reports whether the first 16 MiB of the disk (where a LUKS2
// header would be) are zero.
func (d *dataDisk) blank() (bool, error) {
	f, err := os.Open(d.dev)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for range 16 {
		n, err := io.ReadFull(f, buf)
		if !allZero(buf[:n]) {
			return false, nil
		}
		if err != nil {
			break
		}
	}
	return true, nil
}

func (d *dataDisk) unsealPassphrase(ctx context.Context) ([]byte, error) {
	out, err := output(ctx, "cryptsetup", "token", "export", "--token-id", "0", d.dev)
	if err != nil {
		return nil, fmt.Errorf("no sealed passphrase in the LUKS2 header: %w", err)
	}
	var tok sealedToken
	if err := json.Unmarshal(out, &tok); err != nil || tok.Type != tokenType {
		return nil, errors.New("the LUKS2 header's token is not a tpod sealed passphrase")
	}
	sealed, err := base64.StdEncoding.DecodeString(tok.Sealed)
	if err != nil {
		return nil, errors.New("the sealed passphrase is not base64")
	}
	pass, err := d.sealer.Unseal(sealed)
	if err != nil {
		return nil, err
	}
	if st, ok := d.sealer.(interface{ Stale([]byte) bool }); ok && st.Stale(sealed) {
		if err := d.importToken(ctx, pass, true); err != nil {
			return nil, fmt.Errorf("seal the passphrase again at the new TCB: %w", err)
		}
		d.log("sealed the data disk's passphrase again at the platform's new TCB level")
	}
	return pass, nil
}

func (d *dataDisk) importToken(ctx context.Context, pass []byte, replace bool) error {
	sealed, err := d.sealer.Seal(pass)
	if err != nil {
		return err
	}
	tok, _ := json.Marshal(sealedToken{Type: tokenType, Keyslots: []string{}, Sealed: base64.StdEncoding.EncodeToString(sealed)})
	args := []string{"token", "import", "--json-file", "-", "--token-id", "0"}
	if replace {
		args = append(args, "--token-replace")
	}
	return run(ctx, tok, "cryptsetup", append(args, d.dev)...)
}

// format makes a new LUKS2 volume with integrity, seals its passphrase
// into the header, opens it and makes an ext4 file system on it.
func (d *dataDisk) format(ctx context.Context) error {
	pass := make([]byte, 32)
	rand.Read(pass)
	defer clear(pass)
	// The passphrase is 256 random bits: PBKDF2 at its minimum count costs
	// no security and spares seconds (argon2 under TCG takes many).
	args := []string{"luksFormat", "--batch-mode", "--type", "luks2", "--cipher", "aes-xts-plain64", "--key-size", "512",
		"--integrity", "hmac-sha256", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000", "--hash", "sha256",
		"--label", "tpod-data", "--key-file", "-"}
	if d.noWipe {
		args = append(args, "--integrity-no-wipe")
	}
	start := time.Now()
	if err := run(ctx, pass, "cryptsetup", append(args, d.dev)...); err != nil {
		return fmt.Errorf("format the data disk: %w", err)
	}
	d.log("LUKS2 + dm-integrity format took %s", time.Since(start).Round(time.Millisecond))
	if d.sealer != nil {
		if err := d.importToken(ctx, pass, false); err != nil {
			return fmt.Errorf("store the sealed passphrase: %w", err)
		}
	}
	if err := run(ctx, pass, "cryptsetup", "open", "--type", "luks2", "--key-file", "-", d.dev, d.name); err != nil {
		return fmt.Errorf("open the new data disk: %w", err)
	}
	// Inode tables and journal written now: nothing reads a sector that
	// was never written (with --integrity-no-wipe such a read fails).
	start = time.Now()
	if err := run(ctx, nil, "mkfs.ext4", "-q", "-L", "tpod-data", "-E", "lazy_itable_init=0,lazy_journal_init=0,nodiscard", "/dev/mapper/"+d.name); err != nil {
		return fmt.Errorf("make the data file system: %w", err)
	}
	d.log("mkfs.ext4 took %s", time.Since(start).Round(time.Millisecond))
	return nil
}

func (d *dataDisk) close(ctx context.Context) error {
	return run(ctx, nil, "cryptsetup", "close", d.name)
}

// run runs a command with stdin (nil: none); the error carries its output.
func run(ctx context.Context, stdin []byte, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, args[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}

func output(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v: %s", name, args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
