package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p/core/peer"
)

// EvidenceVersion is the version of the serialized evidence format this
// package writes (spec: docs/attestation.md). Version 2 adds the
// configuration document and the libp2p peer ID to the statement. Version 1
// is still read, and verifies only where neither is expected: a verifier
// that passes a peer ID (every publisher) or a policy that requires
// configuration values refuses it.
const EvidenceVersion = 2

// MaxConfigSize caps the configuration document evidence carries.
const MaxConfigSize = 64 << 10

// maxPeerIDSize caps a peer ID's binary form (an Ed25519 identity multihash
// is 38 bytes, a SHA-256 one 34).
const maxPeerIDSize = 128

// MaxEvidenceSize caps serialized evidence read from untrusted sources. A TDX
// quote with its PCK chain is ~5 KiB and an SEV-SNP report with its
// certificates ~7 KiB; base64 and JSON add a third.
const MaxEvidenceSize = 256 << 10

// maxBlobSize caps each binary field of evidence.
const maxBlobSize = 64 << 10

// Evidence is one attestation of an enclave's keys.
type Evidence struct {
	// Version is the format version: EvidenceVersion for evidence made here,
	// 1 for older evidence (0 means EvidenceVersion).
	Version int
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
	// Config is the provider's configuration document (version 2; at most
	// MaxConfigSize bytes; docs/attestation.md §2): what runs the pods and
	// how, and the operator's settings without secrets.
	Config []byte
	// ConfigSHA256 is the SHA-256 of Config the statement commits to
	// (version 2; empty when the evidence carries no configuration).
	// Verify checks that Config hashes to it.
	ConfigSHA256 []byte
	// PeerID is the libp2p peer the enclave serves on (version 2; empty
	// when unbound). Verify compares it with the peer the evidence came
	// from.
	PeerID peer.ID
	// Statement is the 65-byte [R||S||V] signature by Signer over
	// StatementDigest.
	Statement []byte
}

func (e *Evidence) version() int {
	if e.Version == 0 {
		return EvidenceVersion
	}
	return e.Version
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

// StatementDigest returns the digest the statement signature covers
// (version 1: StatementDigest; version 2: StatementDigestV2).
func (e *Evidence) StatementDigest() [32]byte {
	if e.version() == 1 {
		return StatementDigest(e.ReportData(), e.IssuedAt, e.Workload, e.Extra)
	}
	return StatementDigestV2(e.ReportData(), e.IssuedAt, e.Workload, e.Extra, e.ConfigSHA256, e.PeerID)
}

// wireEvidence is the JSON form (docs/attestation.md, "Evidence format").
type wireEvidence struct {
	Format   string    `json:"format"`
	Version  int       `json:"version"`
	Kind     Kind      `json:"kind"`
	Signer   string    `json:"signer"`
	X25519   HexBytes  `json:"x25519"`
	Nonce    HexBytes  `json:"nonce"`
	IssuedAt int64     `json:"issued_at"`
	Workload HexBytes  `json:"workload,omitempty"`
	Extra    HexBytes  `json:"extra,omitempty"`
	Report   []byte    `json:"report"`
	Certs    *wireCert `json:"certs,omitempty"`
	// Version 2.
	Config       []byte   `json:"config,omitempty"`
	ConfigSHA256 HexBytes `json:"config_sha256,omitempty"`
	PeerID       string   `json:"peer_id,omitempty"`
	Statement    HexBytes `json:"statement"`
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
		Version:   e.version(),
		Kind:      e.Kind,
		Signer:    e.Signer.Hex(),
		X25519:    e.X25519,
		Nonce:     e.Nonce,
		IssuedAt:  e.IssuedAt.Unix(),
		Workload:  e.Workload,
		Extra:     e.Extra,
		Report:    e.Report,
		Statement: e.Statement,

		Config:       e.Config,
		ConfigSHA256: e.ConfigSHA256,
	}
	if e.PeerID != "" {
		w.PeerID = e.PeerID.String()
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
		return nil, fmt.Errorf("%w: evidence: %w", ErrInvalid, err)
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
	if w.Version != 1 && w.Version != EvidenceVersion {
		return nil, fmt.Errorf("%w: evidence: version %d is not supported (want 1 or %d)", ErrInvalid, w.Version, EvidenceVersion)
	}
	if !common.IsHexAddress(w.Signer) || !strings.HasPrefix(w.Signer, "0x") {
		return nil, fmt.Errorf("%w: evidence: signer %q is not a 0x-prefixed address", ErrInvalid, w.Signer)
	}
	if w.IssuedAt <= 0 || w.IssuedAt > 1<<40 {
		return nil, fmt.Errorf("%w: evidence: issued_at %d out of range", ErrInvalid, w.IssuedAt)
	}
	e := &Evidence{
		Version:   w.Version,
		Kind:      w.Kind,
		Signer:    common.HexToAddress(w.Signer),
		X25519:    w.X25519,
		Nonce:     w.Nonce,
		IssuedAt:  time.Unix(w.IssuedAt, 0).UTC(),
		Workload:  w.Workload,
		Extra:     w.Extra,
		Report:    w.Report,
		Statement: w.Statement,

		Config:       w.Config,
		ConfigSHA256: w.ConfigSHA256,
	}
	if w.PeerID != "" {
		id, err := peer.Decode(w.PeerID)
		if err != nil || id.String() != w.PeerID {
			return nil, fmt.Errorf("%w: evidence: peer_id %q is not a libp2p peer ID in its canonical form", ErrInvalid, w.PeerID)
		}
		e.PeerID = id
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
	switch v := e.version(); {
	case v != 1 && v != EvidenceVersion:
		return bad("version %d is not supported", v)
	case v == 1 && (len(e.Config) > 0 || len(e.ConfigSHA256) > 0 || e.PeerID != ""):
		return bad("version 1 has no configuration or peer ID")
	}
	if len(e.Config) > MaxConfigSize {
		return bad("configuration document is %d bytes, more than %d", len(e.Config), MaxConfigSize)
	}
	if n := len(e.ConfigSHA256); n != 0 && n != 32 {
		return bad("config_sha256 is %d bytes, want 32", n)
	}
	if len(e.Config) > 0 && len(e.ConfigSHA256) == 0 {
		return bad("a configuration document without the config_sha256 the statement commits to")
	}
	if len(e.PeerID) > maxPeerIDSize {
		return bad("peer ID is %d bytes, more than %d", len(e.PeerID), maxPeerIDSize)
	}
	return nil
}
