package attest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// PolicyVersion is the version of the policy file format.
const PolicyVersion = 1

// maxPolicySize caps a policy file.
const maxPolicySize = 1 << 20

// Policy is what a verifier accepts (file format: docs/attestation.md).
type Policy struct {
	// Version must be PolicyVersion.
	Version int `json:"version"`
	// Kinds lists the accepted evidence kinds. simulated is accepted only if
	// listed here AND VerifyOptions.AllowInsecureSimulated is set.
	Kinds []Kind `json:"kinds"`
	// MaxAge is the oldest evidence accepted (by its signed issue time);
	// zero means no age limit, which is allowed only with an expected nonce.
	MaxAge Duration `json:"max_age,omitempty"`
	// Nonce is an expected nonce; VerifyOptions.Nonce overrides it.
	Nonce HexBytes `json:"nonce,omitempty"`
	// Workloads, when not empty, lists the accepted workload hashes: evidence
	// must commit to one of them.
	Workloads []HexBytes `json:"workloads,omitempty"`
	// SEVSNP holds the SEV-SNP rules; required when sev-snp is accepted.
	SEVSNP *SNPPolicy `json:"sev_snp,omitempty"`
	// TDX holds the TDX rules; required when tdx is accepted.
	TDX *TDXPolicy `json:"tdx,omitempty"`
	// Simulated holds the simulated TEE's rules.
	Simulated *SimulatedPolicy `json:"simulated,omitempty"`
	// AllowDebug accepts debuggable SEV-SNP and TDX guests, whose host can
	// read their memory. Verify accepts them only with this set, and then
	// says so loudly (a check reason and a Result warning). For trying real
	// debug-enabled samples, never for production.
	AllowDebug bool `json:"allow_debug,omitempty"`
}

// SNPPolicy is the SEV-SNP part of a policy. Debug guests are refused unless
// Policy.AllowDebug is set.
type SNPPolicy struct {
	// Measurements are the accepted launch measurements (48 bytes each).
	Measurements []HexBytes `json:"measurements"`
	// MinTCB is the lowest accepted reported TCB, component by component.
	// Required: a policy without it would accept any firmware.
	MinTCB *SNPTCB `json:"min_tcb"`
	// MinGuestSVN is the lowest accepted guest SVN.
	MinGuestSVN uint32 `json:"min_guest_svn,omitempty"`
}

// SNPTCB are the security patch levels of a SEV-SNP TCB version.
type SNPTCB struct {
	Bootloader uint8 `json:"bootloader"`
	TEE        uint8 `json:"tee"`
	SNP        uint8 `json:"snp"`
	Microcode  uint8 `json:"microcode"`
}

// TDXPolicy is the TDX part of a policy. Debug TDs are refused unless
// Policy.AllowDebug is set.
type TDXPolicy struct {
	// Measurements are the accepted MRTD/RTMR sets.
	Measurements []TDXMeasurement `json:"measurements"`
	// MinTEETCBSVN is the lowest accepted TEE_TCB_SVN (16 bytes), compared
	// byte by byte.
	MinTEETCBSVN HexBytes `json:"min_tee_tcb_svn"`
	// MinQESVN and MinPCESVN are the lowest accepted quoting enclave and PCE SVNs.
	MinQESVN  uint16 `json:"min_qe_svn,omitempty"`
	MinPCESVN uint16 `json:"min_pce_svn,omitempty"`
}

// TDXMeasurement is one accepted TD: MRTD and RTMR0..3 (48 bytes each).
// MRTD and RTMR0–2 are required together: MRTD covers only the firmware, and
// RTMR0–2 its configuration, the kernel, the initrd and the command line.
// RTMR3 is optional (it is extended at run time); left empty it is not
// checked.
type TDXMeasurement struct {
	MRTD  HexBytes `json:"mrtd"`
	RTMR0 HexBytes `json:"rtmr0,omitempty"`
	RTMR1 HexBytes `json:"rtmr1,omitempty"`
	RTMR2 HexBytes `json:"rtmr2,omitempty"`
	RTMR3 HexBytes `json:"rtmr3,omitempty"`
}

// SimulatedPolicy is the simulated TEE's part of a policy.
type SimulatedPolicy struct {
	// Measurements are the accepted simulated measurements (SHA-384 of the
	// tpod binary). "any" is spelled as an empty list plus AnyMeasurement.
	Measurements []HexBytes `json:"measurements,omitempty"`
	// AnyMeasurement accepts every simulated measurement.
	AnyMeasurement bool `json:"any_measurement,omitempty"`
}

// ParsePolicy parses a policy in YAML or JSON, rejecting unknown fields.
func ParsePolicy(data []byte) (*Policy, error) {
	if len(data) > maxPolicySize {
		return nil, fmt.Errorf("%w: policy is larger than %d bytes", ErrInvalid, maxPolicySize)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: policy: %v", ErrInvalid, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: policy: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: policy: trailing data", ErrInvalid)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// LoadPolicy reads and parses a policy file.
func LoadPolicy(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPolicySize+1))
	if err != nil {
		return nil, err
	}
	p, err := ParsePolicy(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Validate checks a policy's structure and refuses the combinations that
// would accept more than their author likely meant. Every error names the
// field.
func (p *Policy) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: policy: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	if p.Version != PolicyVersion {
		return bad("version", "%d is not supported (want %d)", p.Version, PolicyVersion)
	}
	if len(p.Kinds) == 0 {
		return bad("kinds", "empty: list the accepted kinds")
	}
	if p.MaxAge < 0 {
		return bad("max_age", "negative")
	}
	if len(p.Nonce) > MaxNonceSize {
		return bad("nonce", "longer than %d bytes", MaxNonceSize)
	}
	for i, w := range p.Workloads {
		if len(w) != WorkloadSize {
			return bad(fmt.Sprintf("workloads[%d]", i), "%d bytes, want %d", len(w), WorkloadSize)
		}
	}
	for _, k := range p.Kinds {
		if k != KindSEVSNP && k != KindTDX && k != KindSimulated {
			return bad("kinds", "unknown kind %q", k)
		}
	}
	// A section for a kind the policy does not accept is a mistake: its
	// author believes it is enforced.
	for _, sec := range []struct {
		kind Kind
		name string
		set  bool
	}{{KindSEVSNP, "sev_snp", p.SEVSNP != nil}, {KindTDX, "tdx", p.TDX != nil}, {KindSimulated, "simulated", p.Simulated != nil}} {
		if sec.set && !p.accepts(sec.kind) {
			return bad(sec.name, "set, but kinds does not list %s", sec.kind)
		}
	}
	if p.accepts(KindSEVSNP) {
		if err := p.SEVSNP.validate(bad); err != nil {
			return err
		}
	}
	if p.accepts(KindTDX) {
		if err := p.TDX.validate(bad); err != nil {
			return err
		}
	}
	if p.accepts(KindSimulated) {
		s := p.Simulated
		if s == nil || (len(s.Measurements) == 0 && !s.AnyMeasurement) {
			return bad("simulated.measurements", "empty, but simulated is accepted (set any_measurement to accept every binary)")
		}
		for i, m := range s.Measurements {
			if len(m) != SimulatedMeasurementSize {
				return bad(fmt.Sprintf("simulated.measurements[%d]", i), "%d bytes, want %d", len(m), SimulatedMeasurementSize)
			}
		}
	}
	return nil
}

type badField func(field, format string, args ...any) error

func (s *SNPPolicy) validate(bad badField) error {
	if s == nil || len(s.Measurements) == 0 {
		return bad("sev_snp.measurements", "empty, but sev-snp is accepted")
	}
	for i, m := range s.Measurements {
		if len(m) != 48 {
			return bad(fmt.Sprintf("sev_snp.measurements[%d]", i), "%d bytes, want 48", len(m))
		}
	}
	if s.MinTCB == nil {
		return bad("sev_snp.min_tcb", "missing: a SEV-SNP policy must set the minimum TCB (bootloader, tee, snp, microcode), or it accepts firmware with known vulnerabilities")
	}
	return nil
}

func (t *TDXPolicy) validate(bad badField) error {
	if t == nil || len(t.Measurements) == 0 {
		return bad("tdx.measurements", "empty, but tdx is accepted")
	}
	for i, m := range t.Measurements {
		for _, r := range []struct {
			name     string
			v        []byte
			required bool
		}{{"mrtd", m.MRTD, true}, {"rtmr0", m.RTMR0, true}, {"rtmr1", m.RTMR1, true}, {"rtmr2", m.RTMR2, true}, {"rtmr3", m.RTMR3, false}} {
			field := fmt.Sprintf("tdx.measurements[%d].%s", i, r.name)
			switch {
			case len(r.v) == 0 && r.required:
				return bad(field, "missing: a TDX policy must pin mrtd and rtmr0, rtmr1, rtmr2 together (MRTD covers only the firmware; the RTMRs hold its configuration, the kernel, the initrd and the command line)")
			case len(r.v) != 0 && len(r.v) != 48:
				return bad(field, "%d bytes, want 48", len(r.v))
			}
		}
	}
	if n := len(t.MinTEETCBSVN); n != 0 && n != 16 {
		return bad("tdx.min_tee_tcb_svn", "%d bytes, want 16", n)
	}
	return nil
}

func (p *Policy) accepts(k Kind) bool { return slices.Contains(p.Kinds, k) }

// HexBytes is a byte string written as hex (an optional 0x prefix is accepted).
type HexBytes []byte

// MarshalText implements encoding.TextMarshaler.
func (h HexBytes) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (h *HexBytes) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(strings.TrimPrefix(string(b), "0x"))
	if err != nil {
		return fmt.Errorf("not hex: %v", err)
	}
	*h = v
	return nil
}

// Duration is a time.Duration written as a Go duration string ("10m").
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		// The JSON decoder does not name the field of a text unmarshaler's
		// error; max_age is the only duration of a policy.
		return fmt.Errorf("max_age %q is not a duration such as 10m", b)
	}
	*d = Duration(v)
	return nil
}
