package enclave

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
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

// snpSealer encrypts the keys with AES-256-GCM under a key the AMD secure
// processor derives from the chip's VCEK root and the guest's launch
// measurement and policy: only the same image, launched with the same
// policy, on the same chip can unseal them.
type snpSealer struct {
	mu  sync.Mutex
	dev sevclient.Device
}

// NewSNPSealer seals with keys derived by the SEV-SNP device dev.
func NewSNPSealer(dev sevclient.Device) Sealer { return &snpSealer{dev: dev} }

// SNPDerivedKeyRequest is the derived-key request the SEV-SNP sealer sends.
var SNPDerivedKeyRequest = sevclient.SnpDerivedKeyReq{
	UseVCEK:          true,
	GuestFieldSelect: sevclient.GuestFieldSelect{Measurement: true, GuestPolicy: true},
}

const snpMagic = "TPODKEYS-SEVSNP-1\n"

func (*snpSealer) Name() string {
	return "sev-snp: AES-256-GCM under a key derived from the chip (VCEK root), measurement and guest policy"
}
func (*snpSealer) FileName() string { return "enclave-keys.sev-snp.sealed" }

func (s *snpSealer) aead() (cipher.AEAD, error) {
	s.mu.Lock()
	req := SNPDerivedKeyRequest
	resp, err := sevclient.GetDerivedKeyAcknowledgingItsLimitations(s.dev, &req)
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("sev-snp derived key: %w", err)
	}
	key := resp.Data[:]
	defer clear(key)
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func (s *snpSealer) Seal(p []byte) ([]byte, error) {
	a, err := s.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append([]byte(snpMagic), nonce...)
	return a.Seal(out, nonce, p, []byte(snpMagic)), nil
}

func (s *snpSealer) Unseal(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, []byte(snpMagic)) {
		return nil, errors.New("not a sealed sev-snp key file")
	}
	a, err := s.aead()
	if err != nil {
		return nil, err
	}
	b = b[len(snpMagic):]
	if len(b) < a.NonceSize() {
		return nil, errors.New("sealed keys truncated")
	}
	p, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], []byte(snpMagic))
	if err != nil {
		return nil, fmt.Errorf("unseal: %w (different chip, measurement or policy?)", err)
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
	sealed, err := s.Seal(keys)
	if err != nil {
		return nil, fmt.Errorf("seal enclave keys: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".enclave-keys-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.Write(sealed); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	log.Info("generated and sealed new enclave keys", "file", path)
	return keys, nil
}
