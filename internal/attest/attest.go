// Package attest produces and verifies remote-attestation evidence for the
// enclave keys of a Trusted Pods provider (DESIGN §5, docs/attestation.md).
//
// Three kinds exist: sev-snp (an AMD SEV-SNP report with its VCEK or VLEK
// certificate), tdx (an Intel TDX quote v4 or v5 carrying its PCK chain) and
// simulated (no hardware: for development only, refused by Verify unless the
// caller sets VerifyOptions.AllowInsecureSimulated).
//
// Every kind binds the enclave's keys and a verifier's nonce through
//
//	report_data = SHA-512("tpod/attest/v1" ‖ signer address ‖ X25519 public key ‖ nonce)
//
// and carries a statement signed by the attested signing key that adds the
// issue time, optionally the hash of the workload the provider claims to run
// and (evidence version 2) the provider's configuration and libp2p peer ID.
package attest

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Kind names the TEE technology that produced evidence.
type Kind string

// The evidence kinds.
const (
	KindSEVSNP    Kind = "sev-snp"
	KindTDX       Kind = "tdx"
	KindSimulated Kind = "simulated"
	// KindNone is what Detect reports on a machine without a TEE.
	KindNone Kind = "none"
)

// ParseKind parses a kind name.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindSEVSNP, KindTDX, KindSimulated:
		return k, nil
	}
	return "", fmt.Errorf("%w: unknown TEE kind %q (want sev-snp, tdx or simulated)", ErrInvalid, s)
}

// Error categories, checked with errors.Is.
var (
	// ErrAttestation means evidence was verified and rejected.
	ErrAttestation = errors.New("attestation rejected")
	// ErrInvalid means malformed input (evidence, policy, arguments).
	ErrInvalid = errors.New("invalid")
	// ErrUnavailable means the TEE needed to produce evidence is absent.
	ErrUnavailable = errors.New("unavailable")
)

// Sizes of the bound values.
const (
	// MaxNonceSize is the largest nonce accepted; 32 random bytes are plenty.
	MaxNonceSize = 64
	// MinNonceSize is the smallest nonce Verify accepts as an expected nonce.
	MinNonceSize = 8
	// WorkloadSize is the size of a workload hash (SHA-256 of a bundle or manifest).
	WorkloadSize = 32
	// X25519Size is the size of an X25519 public key.
	X25519Size = 32
	// ReportDataSize is the size of report_data in every kind.
	ReportDataSize = 64
	// MaxExtraSize caps the extra data evidence may commit to.
	MaxExtraSize = 1024
)

// reportDataDomain and the statement domains separate our hashes from any
// other use.
const (
	reportDataDomain  = "tpod/attest/v1"
	statementDomain   = "tpod/attest/statement/v1"
	statementDomainV2 = "tpod/attest/statement/v2"
)

// ReportData computes report_data exactly as DESIGN §5 prescribes:
// SHA-512("tpod/attest/v1" ‖ signer (20 bytes) ‖ x25519 (32 bytes) ‖ nonce).
func ReportData(signer common.Address, x25519 []byte, nonce []byte) [ReportDataSize]byte {
	h := sha512.New()
	h.Write([]byte(reportDataDomain))
	h.Write(signer[:])
	h.Write(x25519)
	h.Write(nonce)
	var out [ReportDataSize]byte
	copy(out[:], h.Sum(nil))
	return out
}

// StatementDigest is the 32-byte digest the enclave's signing key signs to
// vouch for the issue time, the workload and the extra data of one piece of
// evidence:
//
//	keccak256("tpod/attest/statement/v1" ‖ report_data (64) ‖ issued_at (uint64 BE, Unix seconds)
//	          ‖ len(workload) (1 byte) ‖ workload ‖ len(extra) (uint16 BE) ‖ extra)
//
// Binding report_data ties the statement to the hardware evidence, and through
// it to the keys and the nonce.
func StatementDigest(reportData [ReportDataSize]byte, issuedAt time.Time, workload, extra []byte) [32]byte {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(issuedAt.Unix()))
	var el [2]byte
	binary.BigEndian.PutUint16(el[:], uint16(len(extra)))
	var d [32]byte
	copy(d[:], crypto.Keccak256([]byte(statementDomain), reportData[:], ts[:], []byte{byte(len(workload))}, workload, el[:], extra))
	return d
}

// StatementDigestV2 is the digest of a version-2 statement: version 1's
// fields, then the SHA-256 of the provider's configuration document and the
// libp2p peer ID the enclave serves on:
//
//	keccak256("tpod/attest/statement/v2" ‖ report_data (64) ‖ issued_at (uint64 BE)
//	          ‖ len(workload) (1 byte) ‖ workload ‖ len(extra) (uint16 BE) ‖ extra
//	          ‖ len(config_sha256) (1 byte: 0 or 32) ‖ config_sha256
//	          ‖ len(peer_id) (1 byte) ‖ peer_id (its binary multihash form))
func StatementDigestV2(reportData [ReportDataSize]byte, issuedAt time.Time, workload, extra, configSHA256 []byte, peerID peer.ID) [32]byte {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(issuedAt.Unix()))
	var el [2]byte
	binary.BigEndian.PutUint16(el[:], uint16(len(extra)))
	var d [32]byte
	copy(d[:], crypto.Keccak256([]byte(statementDomainV2), reportData[:], ts[:], []byte{byte(len(workload))}, workload, el[:], extra,
		[]byte{byte(len(configSHA256))}, configSHA256, []byte{byte(len(peerID))}, []byte(peerID)))
	return d
}

// recoverSigner returns the address that made a 65-byte [R||S||V] signature
// (V 27 or 28) over digest.
func recoverSigner(digest [32]byte, sig []byte) (common.Address, error) {
	if len(sig) != 65 {
		return common.Address{}, fmt.Errorf("signature is %d bytes, want 65", len(sig))
	}
	if sig[64] != 27 && sig[64] != 28 {
		return common.Address{}, fmt.Errorf("signature V is %d, want 27 or 28", sig[64])
	}
	s := make([]byte, 65)
	copy(s, sig)
	s[64] -= 27
	pub, err := crypto.SigToPub(digest[:], s)
	if err != nil {
		return common.Address{}, err
	}
	return crypto.PubkeyToAddress(*pub), nil
}
