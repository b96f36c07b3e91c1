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
}

// SNPPolicy is the SEV-SNP part of a policy. Debug guests are always refused.
type SNPPolicy struct {
	// Measurements are the accepted launch measurements (48 bytes each).
	Measurements []HexBytes `json:"measurements"`
	// MinTCB is the lowest accepted reported TCB, component by component.
	MinTCB SNPTCB `json:"min_tcb"`
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

// TDXPolicy is the TDX part of a policy. Debug TDs are always refused.
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

// TDXMeasurement is one accepted TD: MRTD and RTMR0..3 (48 bytes each). An
// RTMR left empty is not checked (RTMR3 is usually extended at run time);
// MRTD is required.
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

// Validate checks a policy's structure. A policy that accepts a kind must
// say which measurements it accepts for it.
func (p *Policy) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: policy: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if p.Version != PolicyVersion {
		return bad("version %d is not supported (want %d)", p.Version, PolicyVersion)
	}
	if len(p.Kinds) == 0 {
		return bad("kinds is empty: list the accepted kinds")
	}
	if p.MaxAge < 0 {
		return bad("max_age is negative")
	}
	if len(p.Nonce) > MaxNonceSize {
		return bad("nonce longer than %d bytes", MaxNonceSize)
	}
	for _, w := range p.Workloads {
		if len(w) != WorkloadSize {
			return bad("workload hash is %d bytes, want %d", len(w), WorkloadSize)
		}
	}
	for _, k := range p.Kinds {
		switch k {
		case KindSEVSNP:
			if p.SEVSNP == nil || len(p.SEVSNP.Measurements) == 0 {
				return bad("sev-snp is accepted but sev_snp.measurements is empty")
			}
			for _, m := range p.SEVSNP.Measurements {
				if len(m) != 48 {
					return bad("sev-snp measurement is %d bytes, want 48", len(m))
				}
			}
		case KindTDX:
			if p.TDX == nil || len(p.TDX.Measurements) == 0 {
				return bad("tdx is accepted but tdx.measurements is empty")
			}
			for _, m := range p.TDX.Measurements {
				if len(m.MRTD) != 48 {
					return bad("tdx mrtd is %d bytes, want 48", len(m.MRTD))
				}
				for _, r := range [][]byte{m.RTMR0, m.RTMR1, m.RTMR2, m.RTMR3} {
					if len(r) != 0 && len(r) != 48 {
						return bad("tdx rtmr is %d bytes, want 48 or absent", len(r))
					}
				}
			}
			if n := len(p.TDX.MinTEETCBSVN); n != 0 && n != 16 {
				return bad("tdx min_tee_tcb_svn is %d bytes, want 16", n)
			}
		case KindSimulated:
			if p.Simulated == nil || (len(p.Simulated.Measurements) == 0 && !p.Simulated.AnyMeasurement) {
				return bad("simulated is accepted but simulated.measurements is empty (set any_measurement to accept every binary)")
			}
			for _, m := range p.Simulated.Measurements {
				if len(m) != SimulatedMeasurementSize {
					return bad("simulated measurement is %d bytes, want %d", len(m), SimulatedMeasurementSize)
				}
			}
		default:
			return bad("unknown kind %q", k)
		}
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
		return err
	}
	*d = Duration(v)
	return nil
}
