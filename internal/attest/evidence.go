package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// EvidenceVersion is the version of the serialized evidence format this
// package writes and reads (spec: docs/attestation.md).
const EvidenceVersion = 1

// MaxEvidenceSize caps serialized evidence read from untrusted sources. A TDX
// quote with its PCK chain is ~5 KiB and an SEV-SNP report with its
// certificates ~7 KiB; base64 and JSON add a third.
const MaxEvidenceSize = 256 << 10

// maxBlobSize caps each binary field of evidence.
const maxBlobSize = 64 << 10

// Evidence is one attestation of an enclave's keys.
type Evidence struct {
	// Kind is the TEE technology.
	Kind Kind
	// Signer is the address of the enclave's secp256k1 signing key.
	Signer common.Address
	// X25519 is the enclave's X25519 public key (32 bytes).
	X25519 []byte
	// Nonce is the verifier's nonce (1..64 bytes).
	Nonce []byte
	// IssuedAt is when the enclave produced the evidence (whole seconds, UTC).
	IssuedAt time.Time
	// Workload is the optional SHA-256 of the bundle or manifest the provider
	// claims to run (empty or 32 bytes).
	Workload []byte
	// Extra is optional data (up to MaxExtraSize bytes) the enclave commits
	// to, such as the gateway's TLS key binding.
	Extra []byte
	// Report is the kind's hardware evidence: the 1184-byte SEV-SNP report, the
	// raw TDX quote (v4 or v5, without padding), or the simulated report.
	Report []byte
	// Certs holds the SEV-SNP certificates (DER); empty for other kinds.
	Certs SNPCerts
	// Statement is the 65-byte [R||S||V] signature by Signer over
	// StatementDigest(report_data, IssuedAt, Workload).
	Statement []byte
}

// SNPCerts are the AMD certificates that accompany a SEV-SNP report. Only the
// endorsement key certificate (VCEK or VLEK) is used: the ASK and ARK are
// taken from the trusted roots, never from the evidence.
type SNPCerts struct {
	VCEK []byte
	VLEK []byte
	ASK  []byte
	ARK  []byte
}

// ReportData returns the report_data this evidence must carry.
func (e *Evidence) ReportData() [ReportDataSize]byte {
	return ReportData(e.Signer, e.X25519, e.Nonce)
}

// StatementDigest returns the digest the statement signature covers.
func (e *Evidence) StatementDigest() [32]byte {
	return StatementDigest(e.ReportData(), e.IssuedAt, e.Workload, e.Extra)
}

// wireEvidence is the JSON form (docs/attestation.md, "Evidence format").
type wireEvidence struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Kind      Kind      `json:"kind"`
	Signer    string    `json:"signer"`
	X25519    HexBytes  `json:"x25519"`
	Nonce     HexBytes  `json:"nonce"`
	IssuedAt  int64     `json:"issued_at"`
	Workload  HexBytes  `json:"workload,omitempty"`
	Extra     HexBytes  `json:"extra,omitempty"`
	Report    []byte    `json:"report"`
	Certs     *wireCert `json:"certs,omitempty"`
	Statement HexBytes  `json:"statement"`
}

type wireCert struct {
	VCEK []byte `json:"vcek,omitempty"`
	VLEK []byte `json:"vlek,omitempty"`
	ASK  []byte `json:"ask,omitempty"`
	ARK  []byte `json:"ark,omitempty"`
}

const evidenceFormat = "tpod-attestation-evidence"

// Marshal serializes evidence in the versioned JSON format.
func (e *Evidence) Marshal() ([]byte, error) {
	if err := e.validate(); err != nil {
		return nil, err
	}
	w := wireEvidence{
		Format:    evidenceFormat,
		Version:   EvidenceVersion,
		Kind:      e.Kind,
		Signer:    e.Signer.Hex(),
		X25519:    e.X25519,
		Nonce:     e.Nonce,
		IssuedAt:  e.IssuedAt.Unix(),
		Workload:  e.Workload,
		Extra:     e.Extra,
		Report:    e.Report,
		Statement: e.Statement,
	}
	if c := e.Certs; len(c.VCEK)+len(c.VLEK)+len(c.ASK)+len(c.ARK) > 0 {
		w.Certs = &wireCert{VCEK: c.VCEK, VLEK: c.VLEK, ASK: c.ASK, ARK: c.ARK}
	}
	return json.MarshalIndent(w, "", "  ")
}

// ParseEvidence parses serialized evidence. It checks the structure and the
// sizes only; Verify decides whether to trust it.
func ParseEvidence(data []byte) (*Evidence, error) {
	if len(data) > MaxEvidenceSize {
		return nil, fmt.Errorf("%w: evidence is %d bytes, more than %d", ErrInvalid, len(data), MaxEvidenceSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wireEvidence
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: evidence: %v", ErrInvalid, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: evidence: trailing data", ErrInvalid)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: evidence: trailing data", ErrInvalid)
	}
	if w.Format != evidenceFormat {
		return nil, fmt.Errorf("%w: evidence: format is %q, want %q", ErrInvalid, w.Format, evidenceFormat)
	}
	if w.Version != EvidenceVersion {
		return nil, fmt.Errorf("%w: evidence: version %d is not supported (want %d)", ErrInvalid, w.Version, EvidenceVersion)
	}
	if !common.IsHexAddress(w.Signer) || !strings.HasPrefix(w.Signer, "0x") {
		return nil, fmt.Errorf("%w: evidence: signer %q is not a 0x-prefixed address", ErrInvalid, w.Signer)
	}
	if w.IssuedAt <= 0 || w.IssuedAt > 1<<40 {
		return nil, fmt.Errorf("%w: evidence: issued_at %d out of range", ErrInvalid, w.IssuedAt)
	}
	e := &Evidence{
		Kind:      w.Kind,
		Signer:    common.HexToAddress(w.Signer),
		X25519:    w.X25519,
		Nonce:     w.Nonce,
		IssuedAt:  time.Unix(w.IssuedAt, 0).UTC(),
		Workload:  w.Workload,
		Extra:     w.Extra,
		Report:    w.Report,
		Statement: w.Statement,
	}
	if w.Certs != nil {
		e.Certs = SNPCerts{VCEK: w.Certs.VCEK, VLEK: w.Certs.VLEK, ASK: w.Certs.ASK, ARK: w.Certs.ARK}
	}
	if err := e.validate(); err != nil {
		return nil, err
	}
	return e, nil
}

// validate checks kinds and sizes.
func (e *Evidence) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: evidence: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if _, err := ParseKind(string(e.Kind)); err != nil {
		return bad("kind %q is not sev-snp, tdx or simulated", e.Kind)
	}
	if len(e.X25519) != X25519Size {
		return bad("x25519 key is %d bytes, want %d", len(e.X25519), X25519Size)
	}
	if len(e.Nonce) == 0 || len(e.Nonce) > MaxNonceSize {
		return bad("nonce is %d bytes, want 1..%d", len(e.Nonce), MaxNonceSize)
	}
	if len(e.Workload) != 0 && len(e.Workload) != WorkloadSize {
		return bad("workload is %d bytes, want 0 or %d", len(e.Workload), WorkloadSize)
	}
	if len(e.Extra) > MaxExtraSize {
		return bad("extra data is %d bytes, more than %d", len(e.Extra), MaxExtraSize)
	}
	if len(e.Report) == 0 || len(e.Report) > maxBlobSize {
		return bad("report is %d bytes, want 1..%d", len(e.Report), maxBlobSize)
	}
	for name, c := range map[string][]byte{"vcek": e.Certs.VCEK, "vlek": e.Certs.VLEK, "ask": e.Certs.ASK, "ark": e.Certs.ARK} {
		if len(c) > maxBlobSize {
			return bad("%s certificate is %d bytes, more than %d", name, len(c), maxBlobSize)
		}
		if len(c) > 0 && e.Kind != KindSEVSNP {
			return bad("%s certificate present in %s evidence", name, e.Kind)
		}
	}
	if len(e.Statement) != 65 {
		return bad("statement signature is %d bytes, want 65", len(e.Statement))
	}
	if e.IssuedAt.IsZero() {
		return bad("issued_at missing")
	}
	return nil
}
