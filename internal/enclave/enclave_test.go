package enclave

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/hpke"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	sevclient "github.com/google/go-sev-guest/client"
	labi "github.com/google/go-sev-guest/client/linuxabi"
	spb "github.com/google/go-sev-guest/proto/sevsnp"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure"
)

func openSim(t *testing.T, dir string) *Enclave {
	t.Helper()
	e, err := Open(context.Background(), Config{DataDir: dir, Kind: attest.KindSimulated})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestSimulatedKeysPersist0600(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	e1 := openSim(t, dir)
	st, err := os.Stat(filepath.Join(dir, fileSealer{}.FileName()))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	e2 := openSim(t, dir)
	if e1.Address() != e2.Address() || !e1.X25519Public().Equal(e2.X25519Public()) {
		t.Fatal("reloaded enclave has different keys")
	}
	if e3 := openSim(t, t.TempDir()); e3.Address() == e1.Address() {
		t.Fatal("a fresh data dir produced the same key")
	}

	// A key file readable by others is refused.
	if err := os.Chmod(filepath.Join(dir, fileSealer{}.FileName()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Config{DataDir: dir, Kind: attest.KindSimulated}); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Fatalf("world-readable key file: %v", err)
	}
}

func TestSignDigestRecoverable(t *testing.T) {
	e := openSim(t, t.TempDir())
	for i := range 20 {
		var d [32]byte
		d[0] = byte(i)
		rand.Read(d[1:])
		sig, err := e.SignDigest(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
			t.Fatalf("signature %x: want 65 bytes with V 27/28", sig)
		}
		s := bytes.Clone(sig)
		s[64] -= 27
		pub, err := crypto.Ecrecover(d[:], s)
		if err != nil {
			t.Fatal(err)
		}
		pk, err := crypto.UnmarshalPubkey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if crypto.PubkeyToAddress(*pk) != e.Address() {
			t.Fatal("Ecrecover does not give the enclave address")
		}
		if !crypto.VerifySignature(pub, d[:], s[:64]) {
			t.Fatal("signature does not verify (or S is high)")
		}
	}
}

func TestX25519IsOpaqueAndWorksWithHPKE(t *testing.T) {
	e := openSim(t, t.TempDir())
	kx := e.X25519()
	if _, ok := kx.(*ecdh.PrivateKey); ok {
		t.Fatal("X25519 exposes *ecdh.PrivateKey")
	}
	if !kx.PublicKey().Equal(e.X25519Public()) {
		t.Fatal("public key mismatch")
	}
	// Seal to the public key with HPKE, open inside the enclave.
	kem := hpke.DHKEM(ecdh.X25519())
	pub, err := kem.NewPublicKey(e.X25519Public().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	priv, err := hpke.NewDHKEMPrivateKey(kx)
	if err != nil {
		t.Fatal(err)
	}
	kdf, aead := hpke.HKDFSHA256(), hpke.AES256GCM()
	ct, err := hpke.Seal(pub, kdf, aead, []byte("tpod bundle"), []byte("secret key"))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := hpke.Open(priv, kdf, aead, []byte("tpod bundle"), ct)
	if err != nil || string(pt) != "secret key" {
		t.Fatalf("hpke open: %q %v", pt, err)
	}
}

func TestEvidenceVerifies(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e, err := Open(context.Background(), Config{DataDir: t.TempDir(), Kind: attest.KindSimulated, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	nonce := bytes.Repeat([]byte{7}, 32)
	wl := bytes.Repeat([]byte{8}, 32)
	extra := append([]byte("tpod/gateway-tls/v1\x00"), bytes.Repeat([]byte{9}, 32)...)
	ev, err := e.Evidence(context.Background(), nonce, WithWorkload(wl), WithExtra(extra))
	if err != nil {
		t.Fatal(err)
	}
	pol := &attest.Policy{Version: 1, Kinds: []attest.Kind{attest.KindSimulated}, MaxAge: attest.Duration(time.Minute),
		Simulated: &attest.SimulatedPolicy{AnyMeasurement: true}}
	res, err := attest.Verify(context.Background(), ev, pol, attest.VerifyOptions{
		Nonce: nonce, Workload: wl, AllowInsecureSimulated: true, Now: func() time.Time { return now.Add(time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Extra, extra) || !bytes.Equal(res.Workload, wl) {
		t.Fatalf("extra %x workload %x", res.Extra, res.Workload)
	}
	if res.Signer != e.Address() || !res.X25519.Equal(e.X25519Public()) {
		t.Fatal("verified keys are not the enclave's")
	}
}

// TestSimulatedLaunchBindsImageConfigAndPeer: the simulated measurement is
// the image's, and evidence commits to the configuration and the peer.
func TestSimulatedLaunchBindsImageConfigAndPeer(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	launch := &measure.KernelHashes{Kernel: sha256.Sum256([]byte("k")), Initrd: sha256.Sum256([]byte("i")), Cmdline: measure.CmdlineSHA256("c")}
	e, err := Open(context.Background(), Config{DataDir: t.TempDir(), Kind: attest.KindSimulated, SimulatedLaunch: launch, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	sk, _, err := lcrypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := peer.IDFromPrivateKey(sk)
	doc, err := (&attest.ConfigDocument{Version: 1, TEE: attest.KindSimulated, Runtime: attest.RuntimeSettings{Kind: "containerd", Sandbox: "runc"}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	nonce := bytes.Repeat([]byte{7}, 32)
	ev, err := e.Evidence(context.Background(), nonce, WithConfig(doc), WithPeer(id))
	if err != nil {
		t.Fatal(err)
	}
	pol := &attest.Policy{Version: attest.PolicyVersion, Kinds: []attest.Kind{attest.KindSimulated}, MaxAge: attest.Duration(time.Minute),
		Image: launch, Simulated: &attest.SimulatedPolicy{}, Config: map[string]attest.ConfigValues{"runtime.kind": {"containerd"}}}
	res, err := attest.Verify(context.Background(), ev, pol, attest.VerifyOptions{
		Nonce: nonce, PeerID: id, AllowInsecureSimulated: true, Now: func() time.Time { return now.Add(time.Second) }})
	if err != nil {
		t.Fatal(err)
	}
	if m := attest.SimulatedMeasurement(launch); !bytes.Equal(res.Measurement, m[:]) || !bytes.Equal(res.Config, doc) {
		t.Fatalf("measurement %x config %s", res.Measurement, res.Config)
	}
}

func TestNoTEEIsAnError(t *testing.T) {
	if attest.Detect() != attest.KindNone {
		t.Skip("this machine has a TEE")
	}
	if _, err := Open(context.Background(), Config{DataDir: t.TempDir()}); err == nil {
		t.Fatal("auto on a machine without a TEE must not fall back to simulated")
	}
}

// fakeSNP is a FAKE AMD secure processor for derived keys: it derives the
// key from a chip secret and exactly the fields the request selects, taking
// the measurement and policy from its launch and refusing a TCB above the
// committed one or an SVN above the launch SVN, as the firmware does.
type fakeSNP struct {
	chip        byte
	measurement byte
	level       SNPLevel // committed TCB, launch guest SVN
}

func (f *fakeSNP) Open(string) error           { return nil }
func (f *fakeSNP) Close() error                { return nil }
func (f *fakeSNP) Product() *spb.SevProduct    { return nil }
func (f *fakeSNP) snpLevel() (SNPLevel, error) { return f.level, nil }
func (f *fakeSNP) Ioctl(cmd uintptr, arg any) (uintptr, error) {
	r, ok := arg.(*labi.SnpUserGuestRequest)
	if !ok || cmd != labi.IocSnpGetDerivedKey {
		return 0, errors.New("fake snp: only derived keys")
	}
	req := r.ReqData.(*labi.SnpDerivedKeyReqABI)
	if !(SNPLevel{TCB: req.TCBVersion, GuestSVN: req.GuestSVN}).atMost(f.level) {
		r.FwErr = 0x16 // INVALID_PARAM
		return 0, syscall.EIO
	}
	m := hmac.New(sha256.New, []byte{f.chip})
	fmt.Fprintf(m, "root=%d fields=%x", req.RootKeySelect, req.GuestFieldSelect)
	if req.GuestFieldSelect&(1<<3) != 0 {
		fmt.Fprintf(m, " measurement=%d", f.measurement)
	}
	if req.GuestFieldSelect&(1<<4) != 0 {
		fmt.Fprintf(m, " svn=%d", req.GuestSVN)
	}
	if req.GuestFieldSelect&(1<<5) != 0 {
		fmt.Fprintf(m, " tcb=%d", req.TCBVersion)
	}
	copy(r.RespData.(*labi.SnpDerivedKeyRespABI).Data[:], m.Sum(nil))
	return 0, nil
}

func snpSealerOn(f *fakeSNP, purpose string) Sealer {
	s := NewSNPSealerFor(f, purpose).(*snpSealer)
	s.level = f.snpLevel
	return s
}

// The SEV-SNP sealer on a FAKE device: keys persist sealed, reload to the
// same identity, and a different derived key (another chip or measurement)
// cannot unseal them, so new keys are made.
func TestSNPSealing(t *testing.T) {
	dir := t.TempDir()
	open := func(f *fakeSNP) *Enclave {
		t.Helper()
		e, err := Open(context.Background(), Config{DataDir: dir, Kind: attest.KindSEVSNP, Quoter: fakeQuoter{attest.KindSEVSNP}, Sealer: snpSealerOn(f, PurposeEnclaveKeys)})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	lvl := SNPLevel{TCB: 0x1b00000000000304, GuestSVN: 1}
	e1 := open(&fakeSNP{chip: 1, measurement: 1, level: lvl})
	sealed, err := os.ReadFile(filepath.Join(dir, (&snpSealer{}).FileName()))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, crypto.FromECDSA(e1.signKey)) {
		t.Fatal("sealed file holds the plain signing key")
	}
	if e2 := open(&fakeSNP{chip: 1, measurement: 1, level: lvl}); e2.Address() != e1.Address() {
		t.Fatal("same derived key did not unseal the same identity")
	}
	e3 := open(&fakeSNP{chip: 1, measurement: 2, level: lvl})
	if e3.Address() == e1.Address() {
		t.Fatal("another measurement unsealed the keys")
	}
	if _, err := os.Stat(filepath.Join(dir, (&snpSealer{}).FileName()+".stale")); err != nil {
		t.Fatalf("old sealed keys not kept aside: %v", err)
	}
}

// Issue 15.7: the derived key depends on the TCB version and the guest SVN,
// so data sealed under a newer firmware does not open after a rollback,
// while an update unseals and seals again at the new level.
func TestSNPSealingTCB(t *testing.T) {
	old := SNPLevel{TCB: 0x1b00000000000304, GuestSVN: 1}
	newer := SNPLevel{TCB: 0x1c00000000000304, GuestSVN: 1} // microcode SPL 0x1b → 0x1c
	key := func(l SNPLevel) []byte {
		f := &fakeSNP{chip: 1, measurement: 1, level: newer}
		req := SNPDerivedKeyRequest(l)
		resp, err := sevclient.GetDerivedKeyAcknowledgingItsLimitations(f, &req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Data[:]
	}
	if bytes.Equal(key(old), key(newer)) {
		t.Fatal("a changed TCB gives the same derived key")
	}
	if bytes.Equal(key(old), key(SNPLevel{TCB: old.TCB, GuestSVN: 0})) {
		t.Fatal("a changed guest SVN gives the same derived key")
	}

	f := &fakeSNP{chip: 1, measurement: 1, level: old}
	s := snpSealerOn(f, PurposeDataDisk)
	atOld, err := s.Seal([]byte("disk key"))
	if err != nil {
		t.Fatal(err)
	}
	if s.(*snpSealer).Stale(atOld) {
		t.Fatal("fresh blob reported stale")
	}
	// Firmware update (committed): the old blob still opens and is stale.
	f.level = newer
	if p, err := s.Unseal(atOld); err != nil || string(p) != "disk key" {
		t.Fatalf("after an update: %q %v", p, err)
	}
	if !s.(*snpSealer).Stale(atOld) {
		t.Fatal("blob sealed at the old TCB not reported stale after an update")
	}
	atNew, err := s.Seal([]byte("disk key"))
	if err != nil {
		t.Fatal(err)
	}
	// Rollback: data sealed at the newer TCB is refused, by name.
	f.level = old
	if _, err := s.Unseal(atNew); !errors.Is(err, ErrRollback) {
		t.Fatalf("unseal after a rollback: %v, want ErrRollback", err)
	}
	// Editing the header to claim the old TCB does not help: the key differs
	// and the header is authenticated.
	forged := bytes.Clone(atNew)
	binary.LittleEndian.PutUint64(forged[len(snpMagic):], old.TCB)
	if _, err := s.Unseal(forged); err == nil {
		t.Fatal("a blob whose header claims an older TCB unsealed")
	}
	// Purposes are separate keys.
	if _, err := snpSealerOn(f, PurposeEnclaveKeys).Unseal(atOld); err == nil {
		t.Fatal("a data-disk blob unsealed as enclave keys")
	}
}

func TestInsecureKeySealer(t *testing.T) {
	root := bytes.Repeat([]byte{5}, 32)
	s := NewInsecureKeySealer(root, PurposeDataDisk)
	b, err := s.Seal([]byte("disk key"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Unseal(b); err != nil || string(p) != "disk key" {
		t.Fatalf("%q %v", p, err)
	}
	if _, err := NewInsecureKeySealer(bytes.Repeat([]byte{6}, 32), PurposeDataDisk).Unseal(b); err == nil {
		t.Fatal("another root unsealed")
	}
	if _, err := NewInsecureKeySealer(root, PurposeEnclaveKeys).Unseal(b); err == nil {
		t.Fatal("another purpose unsealed")
	}
}

func TestNoSealingRegenerates(t *testing.T) {
	open := func() *Enclave {
		e, err := Open(context.Background(), Config{Kind: attest.KindTDX, Quoter: fakeQuoter{attest.KindTDX}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	if open().Address() == open().Address() {
		t.Fatal("TDX enclave keys persisted without sealing")
	}
}

// fakeQuoter is a FAKE hardware quoter that only names a kind.
type fakeQuoter struct{ kind attest.Kind }

func (f fakeQuoter) Kind() attest.Kind { return f.kind }
func (f fakeQuoter) Quote(context.Context, [attest.ReportDataSize]byte) ([]byte, attest.SNPCerts, error) {
	return nil, attest.SNPCerts{}, errors.New("fake quoter: no hardware")
}

func TestConcurrentUse(t *testing.T) {
	e := openSim(t, t.TempDir())
	done := make(chan error, 8)
	for i := range 8 {
		go func() {
			var d [32]byte
			d[0] = byte(i)
			if _, err := e.SignDigest(d); err != nil {
				done <- err
				return
			}
			_, err := e.Evidence(context.Background(), bytes.Repeat([]byte{byte(i + 1)}, 16))
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
