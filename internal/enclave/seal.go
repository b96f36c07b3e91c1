package enclave

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	sevclient "github.com/google/go-sev-guest/client"

	"github.com/trustedpods/tpod/internal/attest"
)

// Sealer protects the key material at rest.
type Sealer interface {
	// Name describes the sealing for humans.
	Name() string
	// FileName is the file in the data directory holding sealed keys; empty
	// means keys are not persisted and are regenerated at every start.
	FileName() string
	// Seal and Unseal protect and recover the key material.
	Seal(plain []byte) ([]byte, error)
	Unseal(sealed []byte) ([]byte, error)
}

func defaultSealer(kind attest.Kind, log *slog.Logger) Sealer {
	switch kind {
	case attest.KindSimulated:
		return fileSealer{}
	case attest.KindSEVSNP:
		dev, err := sevclient.OpenDevice()
		if err != nil {
			log.Warn("no /dev/sev-guest for a derived sealing key; enclave keys will be regenerated at every start", "err", err)
			return noSealer{}
		}
		return NewSNPSealer(dev)
	}
	return noSealer{}
}

// noSealer persists nothing: keys live as long as the process.
type noSealer struct{}

func (noSealer) Name() string                  { return "none: keys regenerated at every start and re-attested" }
func (noSealer) FileName() string              { return "" }
func (noSealer) Seal([]byte) ([]byte, error)   { return nil, errors.New("no sealing") }
func (noSealer) Unseal([]byte) ([]byte, error) { return nil, errors.New("no sealing") }

// fileSealer is the simulated TEE's "sealing": the key material in a 0600
// file, readable by root and by anyone who can read the disk.
type fileSealer struct{}

const simMagic = "TPODKEYS-SIMULATED-1\n"

func (fileSealer) Name() string {
	return "simulated: plain 0600 file (NOT protected from the machine's administrator)"
}
func (fileSealer) FileName() string { return "enclave-keys.simulated" }
func (fileSealer) Seal(p []byte) ([]byte, error) {
	return append([]byte(simMagic), p...), nil
}
func (fileSealer) Unseal(s []byte) ([]byte, error) {
	if !bytes.HasPrefix(s, []byte(simMagic)) || len(s) != len(simMagic)+keysSize {
		return nil, errors.New("not a simulated key file")
	}
	return bytes.Clone(s[len(simMagic):]), nil
}

// snpSealer encrypts with AES-256-GCM under a key the AMD secure processor
// derives (MSG_KEY_REQ) from the chip's VCEK root, the guest's launch
// measurement and policy, the platform's committed TCB version and the
// guest SVN, followed by HKDF with a purpose label: only the same image,
// launched with the same policy, on the same chip, at this firmware level or
// a newer one, can unseal. The TCB and SVN a blob was sealed under are in its
// header (authenticated), because the key must be derived again at exactly
// those values; a platform whose committed TCB or SVN is now lower (a
// firmware rollback) is refused, and one that is newer unseals and reports
// the blob stale so the caller seals it again at the new level.
type snpSealer struct {
	mu      sync.Mutex
	dev     sevclient.Device
	purpose string
	// level returns the platform's committed TCB and the guest's launch
	// SVN (from an attestation report; replaced in tests).
	level func() (SNPLevel, error)
}

// SNPLevel is the firmware and guest version a SEV-SNP derived key is bound
// to.
type SNPLevel struct {
	// TCB is a TCB_VERSION: one security patch level per byte.
	TCB uint64
	// GuestSVN is the guest security version from the launch's ID block.
	GuestSVN uint32
}

// atMost reports whether every component of l is at most the same
// component of m: what the firmware requires of a derived key's TCB and SVN.
func (l SNPLevel) atMost(m SNPLevel) bool {
	if l.GuestSVN > m.GuestSVN {
		return false
	}
	for i := 0; i < 64; i += 8 {
		if (l.TCB>>i)&0xff > (m.TCB>>i)&0xff {
			return false
		}
	}
	return true
}

// Purposes of sealed data. Each gets its own key (HKDF label), so a blob
// sealed for one purpose never opens as another.
const (
	PurposeEnclaveKeys = "enclave-keys"
	PurposeDataDisk    = "data-disk"
)

// NewSNPSealer seals the enclave keys with keys derived by the SEV-SNP
// device dev.
func NewSNPSealer(dev sevclient.Device) Sealer { return NewSNPSealerFor(dev, PurposeEnclaveKeys) }

// NewSNPSealerFor seals data for purpose with keys derived by dev.
func NewSNPSealerFor(dev sevclient.Device, purpose string) Sealer {
	s := &snpSealer{dev: dev, purpose: purpose}
	s.level = s.reportLevel
	return s
}

// SNPGuestFields are the guest fields mixed into every derived key.
var SNPGuestFields = sevclient.GuestFieldSelect{Measurement: true, GuestPolicy: true, TCBVersion: true, GuestSVN: true}

// SNPDerivedKeyRequest is the derived-key request the SEV-SNP sealer sends
// for level l.
func SNPDerivedKeyRequest(l SNPLevel) sevclient.SnpDerivedKeyReq {
	return sevclient.SnpDerivedKeyReq{UseVCEK: true, GuestFieldSelect: SNPGuestFields, TCBVersion: l.TCB, GuestSVN: l.GuestSVN}
}

// snpMagic starts a sealed blob; version 1 (measurement and policy only) is
// no longer read: it would let a rolled-back firmware unseal.
const snpMagic = "TPODKEYS-SEVSNP-2\n"

// snpHeaderSize is magic ‖ TCB (8 bytes LE) ‖ guest SVN (4 bytes LE).
const snpHeaderSize = len(snpMagic) + 12

func (s *snpSealer) Name() string {
	return "sev-snp: AES-256-GCM under a key derived from the chip (VCEK root), measurement, guest policy, committed TCB and guest SVN"
}
func (*snpSealer) FileName() string { return "enclave-keys.sev-snp.sealed" }

// reportLevel reads the committed TCB and guest SVN from an attestation
// report.
func (s *snpSealer) reportLevel() (SNPLevel, error) {
	s.mu.Lock()
	r, err := sevclient.GetReport(s.dev, [64]byte{})
	s.mu.Unlock()
	if err != nil {
		return SNPLevel{}, fmt.Errorf("sev-snp report for the TCB level: %w", err)
	}
	return SNPLevel{TCB: r.GetCommittedTcb(), GuestSVN: r.GetGuestSvn()}, nil
}

func (s *snpSealer) aead(l SNPLevel) (cipher.AEAD, error) {
	s.mu.Lock()
	req := SNPDerivedKeyRequest(l)
	resp, err := sevclient.GetDerivedKeyAcknowledgingItsLimitations(s.dev, &req)
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("sev-snp derived key: %w", err)
	}
	defer clear(resp.Data[:])
	return purposeAEAD(resp.Data[:], "sev-snp", s.purpose)
}

// purposeAEAD is AES-256-GCM under HKDF-SHA256(root, "tpod/seal/v2/<tee>/<purpose>").
func purposeAEAD(root []byte, tee, purpose string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, root, nil, "tpod/seal/v2/"+tee+"/"+purpose, 32)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func (s *snpSealer) Seal(p []byte) ([]byte, error) {
	l, err := s.level()
	if err != nil {
		return nil, err
	}
	a, err := s.aead(l)
	if err != nil {
		return nil, err
	}
	hdr := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint64([]byte(snpMagic), l.TCB), l.GuestSVN)
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append(bytes.Clone(hdr), nonce...)
	return a.Seal(out, nonce, p, hdr), nil
}

// ErrRollback means sealed data was sealed at a newer TCB or guest SVN than
// the platform now has.
var ErrRollback = errors.New("sealed under a newer firmware TCB or guest SVN than this platform's (firmware rollback?)")

// sealedLevel parses a sealed blob's header.
func sealedLevel(b []byte) (SNPLevel, error) {
	if !bytes.HasPrefix(b, []byte(snpMagic)) || len(b) < snpHeaderSize {
		return SNPLevel{}, errors.New("not a sealed sev-snp blob (or sealed by an older tpod)")
	}
	return SNPLevel{TCB: binary.LittleEndian.Uint64(b[len(snpMagic):]), GuestSVN: binary.LittleEndian.Uint32(b[len(snpMagic)+8:])}, nil
}

func (s *snpSealer) Unseal(b []byte) ([]byte, error) {
	sl, err := sealedLevel(b)
	if err != nil {
		return nil, err
	}
	cur, err := s.level()
	if err != nil {
		return nil, err
	}
	if !sl.atMost(cur) {
		return nil, fmt.Errorf("%w: sealed at TCB %#016x SVN %d, platform at TCB %#016x SVN %d", ErrRollback, sl.TCB, sl.GuestSVN, cur.TCB, cur.GuestSVN)
	}
	a, err := s.aead(sl)
	if err != nil {
		return nil, err
	}
	hdr, rest := b[:snpHeaderSize], b[snpHeaderSize:]
	if len(rest) < a.NonceSize() {
		return nil, errors.New("sealed data truncated")
	}
	p, err := a.Open(nil, rest[:a.NonceSize()], rest[a.NonceSize():], hdr)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w (different chip, measurement or policy?)", err)
	}
	return p, nil
}

// Stale reports whether sealed was sealed at a lower level than the
// platform's current one, so it should be sealed again (after a firmware
// update, and before the old level's key could be derived by a rollback).
func (s *snpSealer) Stale(sealed []byte) bool {
	sl, err := sealedLevel(sealed)
	if err != nil {
		return false
	}
	cur, err := s.level()
	return err == nil && sl != cur && sl.atMost(cur)
}

// keySealer seals under a key it is given: the simulated TEE's sealing
// key, read from a small disk of its own in the guest image. It protects
// nothing from whoever can read that disk (the host): development only,
// but the same code path as a hardware-derived key.
type keySealer struct {
	root    []byte
	purpose string
}

// NewInsecureKeySealer seals for purpose under root, a key kept by the
// simulated TEE (NOT protected from the machine's administrator).
func NewInsecureKeySealer(root []byte, purpose string) Sealer {
	return keySealer{root: bytes.Clone(root), purpose: purpose}
}

const simKeyMagic = "TPODSEAL-SIMULATED-INSECURE-1\n"

func (keySealer) Name() string {
	return "simulated: AES-256-GCM under a key on a plain disk (NOT protected from the host)"
}
func (keySealer) FileName() string { return "enclave-keys.simulated-sealed" }

func (k keySealer) Seal(p []byte) ([]byte, error) {
	a, err := purposeAEAD(k.root, "simulated", k.purpose)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte(simKeyMagic), nonce...)
	return a.Seal(out, nonce, p, []byte(simKeyMagic)), nil
}

func (k keySealer) Unseal(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(simKeyMagic)) {
		return nil, errors.New("not data sealed by the simulated TEE")
	}
	a, err := purposeAEAD(k.root, "simulated", k.purpose)
	if err != nil {
		return nil, err
	}
	b = b[len(simKeyMagic):]
	if len(b) < a.NonceSize() {
		return nil, errors.New("sealed data truncated")
	}
	p, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], []byte(simKeyMagic))
	if err != nil {
		return nil, fmt.Errorf("unseal: %w (another sealing key?)", err)
	}
	return p, nil
}

// maxKeyFile caps a key file read.
const maxKeyFile = 4096

// loadOrCreate returns the key material: unsealed from the data directory,
// or freshly generated (and sealed there when the sealer persists).
func loadOrCreate(_ context.Context, dir string, s Sealer, log *slog.Logger) ([]byte, error) {
	if s.FileName() == "" {
		return newKeys()
	}
	if dir == "" {
		return nil, fmt.Errorf("%w: enclave: a data directory is needed to keep sealed keys", attest.ErrInvalid)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("enclave data dir: %w", err)
	}
	path := filepath.Join(dir, s.FileName())
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return createKeys(path, s, log)
	case err != nil:
		return nil, fmt.Errorf("enclave keys: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("enclave keys: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("enclave keys: %s has mode %04o; it must be 0600", path, st.Mode().Perm())
	}
	if st.Size() > maxKeyFile {
		return nil, fmt.Errorf("enclave keys: %s is too large", path)
	}
	sealed := make([]byte, st.Size())
	if _, err := f.ReadAt(sealed, 0); err != nil {
		return nil, fmt.Errorf("enclave keys: %w", err)
	}
	keys, err := s.Unseal(sealed)
	if err == nil && len(keys) == keysSize {
		if st, ok := s.(interface{ Stale([]byte) bool }); ok && st.Stale(sealed) {
			if err := writeSealed(path, s, keys); err != nil {
				return nil, fmt.Errorf("seal enclave keys again at the new firmware level: %w", err)
			}
			log.Info("sealed the enclave keys again at the platform's new TCB level", "file", path)
		}
		return keys, nil
	}
	if err == nil {
		err = fmt.Errorf("unsealed %d bytes, want %d", len(keys), keysSize)
	}
	if _, ok := s.(*snpSealer); ok {
		// A new image or policy cannot unseal the old keys, by design:
		// keep the old file aside and start over with new, re-attested keys.
		log.Warn("sealed enclave keys cannot be unsealed in this launch; generating new keys", "err", err)
		if rerr := os.Rename(path, path+".stale"); rerr != nil {
			return nil, fmt.Errorf("enclave keys: %w", rerr)
		}
		return createKeys(path, s, log)
	}
	return nil, fmt.Errorf("enclave keys %s: %w", path, err)
}

func createKeys(path string, s Sealer, log *slog.Logger) ([]byte, error) {
	keys, err := newKeys()
	if err != nil {
		return nil, err
	}
	if err := writeSealed(path, s, keys); err != nil {
		return nil, err
	}
	log.Info("generated and sealed new enclave keys", "file", path)
	return keys, nil
}

// writeSealed seals keys and replaces path with them atomically (0600).
func writeSealed(path string, s Sealer, keys []byte) error {
	sealed, err := s.Seal(keys)
	if err != nil {
		return fmt.Errorf("seal enclave keys: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".enclave-keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(sealed); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
