// Package enclave holds a provider's enclave keys: a secp256k1 signing key
// (its address is the payment channel's enclaveSigner; it signs receipts) and
// an X25519 key (bundle keys are HPKE-wrapped to it). The private keys never
// leave this package: callers sign digests, run key exchanges through an
// opaque ecdh.KeyExchanger, and ask for attestation evidence.
//
// Keys persist only sealed (DESIGN §5, docs/attestation.md): under SEV-SNP
// with a key the AMD secure processor derives from the chip and the launch
// measurement; under TDX (no sealing key is offered to the guest) they are
// regenerated at every boot and re-attested; under the simulated TEE in a
// 0600 file.
package enclave

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure"
)

// Config configures Open.
type Config struct {
	// DataDir is where sealed keys live (created 0700 if missing).
	DataDir string
	// Kind is the TEE to use: sev-snp, tdx or simulated; empty or "auto"
	// detects the hardware and fails if there is none (the simulated TEE is
	// never chosen implicitly).
	Kind attest.Kind
	// Quoter replaces the kind's quoter (tests).
	Quoter attest.Quoter
	// SimulatedLaunch are the launch inputs (kernel, initrd and command
	// line hashes) the simulated TEE's measurement is computed from
	// (attest.SimulatedMeasurement). They come from outside the "enclave",
	// as a firmware gets them from its host: in the guest image from the
	// simulated TEE's seal disk, on the devnet from the image directory it
	// was given. Nil: unknown, the measurement is zero. Ignored for
	// hardware kinds, whose firmware measures the launch itself.
	SimulatedLaunch *measure.KernelHashes
	// Sealer replaces the kind's sealing (tests; the SEV-SNP sealer on a fake
	// device).
	Sealer Sealer
	// Logger receives operational messages; nil discards them.
	Logger *slog.Logger
	// Now returns the time; nil means time.Now.
	Now func() time.Time
}

// Enclave is an open enclave identity. Its methods are safe for concurrent
// use.
type Enclave struct {
	kind    attest.Kind
	sealing string
	signKey *ecdsa.PrivateKey
	addr    common.Address
	xkey    *ecdh.PrivateKey
	// prk is HKDF-Extract of the key material, from which DeriveAEAD
	// derives keys for data the enclave keeps (its signing core's state).
	prk    []byte
	quoter attest.Quoter
	now    func() time.Time
	log    *slog.Logger
}

// Open loads (or creates and seals) the enclave keys for cfg.Kind.
func Open(ctx context.Context, cfg Config) (*Enclave, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "enclave")
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	kind := cfg.Kind
	if kind == "" || kind == "auto" {
		kind = attest.Detect()
		if kind == attest.KindNone {
			return nil, fmt.Errorf("%w: no TEE found on this machine (no configfs-tsm, /dev/sev-guest or /dev/tdx_guest); use the simulated TEE explicitly for development", attest.ErrUnavailable)
		}
	}
	if _, err := attest.ParseKind(string(kind)); err != nil {
		return nil, err
	}
	q := cfg.Quoter
	switch {
	case q == nil && kind == attest.KindSimulated:
		q = attest.SimulatedQuoter(cfg.SimulatedLaunch)
	case q == nil:
		var err error
		if q, err = attest.NewQuoter(kind); err != nil {
			return nil, err
		}
	}
	if q.Kind() != kind {
		return nil, fmt.Errorf("%w: quoter is %s, enclave is %s", attest.ErrInvalid, q.Kind(), kind)
	}
	s := cfg.Sealer
	if s == nil {
		s = defaultSealer(kind, log)
	}
	keys, err := loadOrCreate(ctx, cfg.DataDir, s, log)
	if err != nil {
		return nil, err
	}
	e := &Enclave{kind: kind, sealing: s.Name(), quoter: q, now: now, log: log}
	if err := e.setKeys(keys); err != nil {
		return nil, err
	}
	log.Info("enclave open", "tee", kind, "signer", e.addr.Hex(), "sealing", e.sealing)
	return e, nil
}

// setKeys installs 64 bytes of key material: secp256k1 ‖ X25519.
func (e *Enclave) setKeys(k []byte) error {
	if len(k) != keysSize {
		return fmt.Errorf("enclave keys are %d bytes, want %d", len(k), keysSize)
	}
	sk, err := crypto.ToECDSA(k[:32])
	if err != nil {
		return fmt.Errorf("enclave signing key: %w", err)
	}
	xk, err := ecdh.X25519().NewPrivateKey(k[32:])
	if err != nil {
		return fmt.Errorf("enclave x25519 key: %w", err)
	}
	prk, err := hkdf.Extract(sha256.New, k, []byte("tpod/enclave/v1"))
	if err != nil {
		return err
	}
	e.signKey, e.xkey, e.addr, e.prk = sk, xk, crypto.PubkeyToAddress(sk.PublicKey), prk
	return nil
}

// DeriveAEAD returns AES-256-GCM under a key derived from the enclave's
// key material for purpose (HKDF-SHA256, info "tpod/enclave/v1/<purpose>").
// Only a launch that unsealed the enclave keys can derive it: under SEV-SNP
// the same image and policy on the same chip at this firmware level or a
// newer one; keys regenerated at a start (TDX, a new image) derive another.
func (e *Enclave) DeriveAEAD(purpose string) (cipher.AEAD, error) {
	key, err := hkdf.Expand(sha256.New, e.prk, "tpod/enclave/v1/"+purpose, 32)
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

// Purposes of keys derived from the enclave keys (DeriveAEAD).
const PurposeCoreState = "core-state"

// keysSize is the size of the serialized key material.
const keysSize = 64

// newKeys generates fresh key material.
func newKeys() ([]byte, error) {
	sk, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	xk, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return append(crypto.FromECDSA(sk), xk.Bytes()...), nil
}

// Kind is the TEE this enclave runs in.
func (e *Enclave) Kind() attest.Kind { return e.kind }

// Sealing describes how the keys persist.
func (e *Enclave) Sealing() string { return e.sealing }

// Address is the address of the signing key: the channel's enclaveSigner.
func (e *Enclave) Address() common.Address { return e.addr }

// SignDigest signs a 32-byte digest (e.g. an EIP-712 receipt digest) and
// returns [R||S||V] with V = 27 or 28, as Solidity's ecrecover and
// OpenZeppelin's ECDSA expect. S is in the lower half of the order.
func (e *Enclave) SignDigest(digest [32]byte) ([]byte, error) {
	sig, err := crypto.Sign(digest[:], e.signKey)
	if err != nil {
		return nil, err
	}
	sig[64] += 27
	return sig, nil
}

// X25519Public is the enclave's X25519 public key.
func (e *Enclave) X25519Public() *ecdh.PublicKey { return e.xkey.PublicKey() }

// X25519 returns the X25519 key as an opaque key exchanger (accepted by
// crypto/hpke.NewDHKEMPrivateKey); the private bytes stay inside.
func (e *Enclave) X25519() ecdh.KeyExchanger { return x25519Key{e.xkey} }

// x25519Key hides the *ecdh.PrivateKey (whose Bytes method would expose it).
type x25519Key struct{ k *ecdh.PrivateKey }

func (x x25519Key) PublicKey() *ecdh.PublicKey                { return x.k.PublicKey() }
func (x x25519Key) Curve() ecdh.Curve                         { return x.k.Curve() }
func (x x25519Key) ECDH(peer *ecdh.PublicKey) ([]byte, error) { return x.k.ECDH(peer) }

// EvidenceOption adds to evidence.
type EvidenceOption func(*attest.Request)

// WithWorkload commits the evidence to a workload hash (SHA-256 of the
// bundle or manifest the provider runs for the verifier).
func WithWorkload(hash []byte) EvidenceOption {
	return func(r *attest.Request) { r.Workload = append([]byte(nil), hash...) }
}

// WithExtra commits the evidence to extra data (at most attest.MaxExtraSize
// bytes), e.g. the gateway's TLS key binding; the verifier reads it from
// attest.Result.Extra.
func WithExtra(data []byte) EvidenceOption {
	return func(r *attest.Request) { r.Extra = append([]byte(nil), data...) }
}

// WithConfig commits the evidence to the provider's configuration document
// (attest.ConfigDocument, at most attest.MaxConfigSize bytes): the
// evidence carries it and its statement its SHA-256.
func WithConfig(doc []byte) EvidenceOption {
	return func(r *attest.Request) { r.Config = append([]byte(nil), doc...) }
}

// WithPeer commits the evidence to the libp2p peer the provider serves on,
// so that a verifier refuses it when it arrives from another peer.
func WithPeer(id peer.ID) EvidenceOption {
	return func(r *attest.Request) { r.PeerID = id }
}

// Evidence produces attestation evidence binding the enclave keys to nonce.
func (e *Enclave) Evidence(ctx context.Context, nonce []byte, opts ...EvidenceOption) (*attest.Evidence, error) {
	req := attest.Request{
		Signer:   e.addr,
		X25519:   e.xkey.PublicKey().Bytes(),
		Nonce:    nonce,
		IssuedAt: e.now(),
		Sign:     e.SignDigest,
	}
	for _, o := range opts {
		o(&req)
	}
	ev, err := attest.Produce(ctx, e.quoter, req)
	if err != nil {
		return nil, fmt.Errorf("evidence: %w", err)
	}
	return ev, nil
}
