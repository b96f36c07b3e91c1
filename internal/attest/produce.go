package attest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Request is what an enclave needs to produce evidence.
type Request struct {
	// Signer and X25519 are the enclave's public keys.
	Signer common.Address
	X25519 []byte
	// Nonce is the verifier's nonce (1..64 bytes).
	Nonce []byte
	// Workload is an optional workload hash (32 bytes) to commit to.
	Workload []byte
	// Extra is optional data (up to MaxExtraSize bytes) to commit to.
	Extra []byte
	// Config is the provider's configuration document (JSON, at most
	// MaxConfigSize bytes; empty: none); the statement commits to its
	// SHA-256.
	Config []byte
	// PeerID is the libp2p peer the enclave serves on (empty: none).
	PeerID peer.ID
	// IssuedAt is the issue time (truncated to seconds).
	IssuedAt time.Time
	// Sign signs a digest with the enclave's signing key, returning
	// [R||S||V] with V 27/28.
	Sign func(digest [32]byte) ([]byte, error)
}

// Produce asks q for hardware evidence over the request's report_data and
// signs the statement.
func Produce(ctx context.Context, q Quoter, req Request) (*Evidence, error) {
	if len(req.Nonce) == 0 || len(req.Nonce) > MaxNonceSize {
		return nil, fmt.Errorf("%w: nonce is %d bytes, want 1..%d", ErrInvalid, len(req.Nonce), MaxNonceSize)
	}
	if len(req.Workload) != 0 && len(req.Workload) != WorkloadSize {
		return nil, fmt.Errorf("%w: workload hash is %d bytes, want %d", ErrInvalid, len(req.Workload), WorkloadSize)
	}
	if len(req.Config) > MaxConfigSize {
		return nil, fmt.Errorf("%w: configuration document is %d bytes, more than %d", ErrInvalid, len(req.Config), MaxConfigSize)
	}
	ev := &Evidence{
		Version:  EvidenceVersion,
		Kind:     q.Kind(),
		Signer:   req.Signer,
		X25519:   append([]byte(nil), req.X25519...),
		Nonce:    append([]byte(nil), req.Nonce...),
		IssuedAt: time.Unix(req.IssuedAt.Unix(), 0).UTC(),
		Workload: append([]byte(nil), req.Workload...),
	}
	if len(ev.Workload) == 0 {
		ev.Workload = nil
	}
	if len(req.Extra) > MaxExtraSize {
		return nil, fmt.Errorf("%w: extra data is %d bytes, more than %d", ErrInvalid, len(req.Extra), MaxExtraSize)
	}
	if len(req.Extra) > 0 {
		ev.Extra = append([]byte(nil), req.Extra...)
	}
	if len(req.Config) > 0 {
		h := sha256.Sum256(req.Config)
		ev.Config, ev.ConfigSHA256 = bytes.Clone(req.Config), h[:]
	}
	ev.PeerID = req.PeerID
	report, certs, err := q.Quote(ctx, ev.ReportData())
	if err != nil {
		return nil, err
	}
	ev.Report, ev.Certs = report, certs
	sig, err := req.Sign(ev.StatementDigest())
	if err != nil {
		return nil, fmt.Errorf("sign statement: %w", err)
	}
	ev.Statement = sig
	if err := ev.validate(); err != nil {
		return nil, err
	}
	return ev, nil
}
