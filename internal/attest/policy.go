package attest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/trustedpods/tpod/internal/duration"
	"github.com/trustedpods/tpod/internal/measure"
)

// PolicyVersion is the version of the policy file format this package
// writes. Version 2 adds release, image, config, sev_snp.shapes and
// firmware, tdx.direct_boot and firmware; version 1 files (without them)
// are still read.
const PolicyVersion = 2

// maxPolicySize caps a policy file.
const maxPolicySize = 1 << 20

// Policy is what a verifier accepts (file format: docs/attestation.md).
type Policy struct {
	// Version is 1 or PolicyVersion.
	Version int `json:"version"`
	// Release names the tpod release whose guest image the policy
	// describes (release policies, docs/attestation.md §7); shown, not
	// checked against evidence.
	Release string `json:"release,omitempty"`
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
	// Image is the guest image the launch must have booted: the SHA-256s
	// of its kernel, initrd and command line (with its NUL), as in the
	// SEV-SNP kernel-hashes table. The SEV-SNP digests for sev_snp.shapes
	// and firmware, and the simulated TEE's measurement, are computed
	// from it.
	Image *measure.KernelHashes `json:"image,omitempty"`
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
	// Config lists values the provider's configuration document
	// (ConfigDocument) must have, by dotted path (runtime.kind,
	// operator.region, ...): one accepted value or a list of them. Evidence
	// without a configuration document is then refused.
	Config map[string]ConfigValues `json:"config,omitempty"`
}

// SNPPolicy is the SEV-SNP part of a policy. Debug guests are refused unless
// Policy.AllowDebug is set.
type SNPPolicy struct {
	// Measurements are the accepted launch measurements (48 bytes each).
	Measurements []HexBytes `json:"measurements,omitempty"`
	// Shapes are the VM shapes accepted for Policy.Image; with each of
	// Firmware they give accepted digests (measure.SNPDigest).
	Shapes []SNPShape `json:"shapes,omitempty"`
	// Firmware are the firmware builds (OVMF descriptors) accepted for
	// Policy.Image. A release policy has none when no AmdSev firmware is
	// known; the publisher adds the one it trusts (tpod policy build --ovmf).
	Firmware []SNPFirmware `json:"firmware,omitempty"`
	// MinTCB is the lowest accepted reported TCB, component by component.
	// Required: a policy without it would accept any firmware.
	MinTCB *SNPTCB `json:"min_tcb"`
	// MinGuestSVN is the lowest accepted guest SVN.
	MinGuestSVN uint32 `json:"min_guest_svn,omitempty"`
}

// SNPShape is a VM shape a policy accepts for its image: each vCPU count
// with the vCPU type, VMM and guest features.
type SNPShape struct {
	VCPUs    []int  `json:"vcpus"`
	VCPUType string `json:"vcpu_type"`
	// VMM is qemu (default), ec2 or gce.
	VMM measure.VMM `json:"vmm,omitempty"`
	// GuestFeatures is SEV_FEATURES (default 0x1, SNP active).
	GuestFeatures GuestFeatures `json:"guest_features,omitempty"`
}

// config returns the measure configuration for one vCPU count.
func (s SNPShape) config(vcpus int) measure.SNPConfig {
	c := measure.SNPConfig{VCPUs: vcpus, VCPUType: s.VCPUType, VMM: s.VMM, GuestFeatures: uint64(s.GuestFeatures)}
	if c.VMM == "" {
		c.VMM = measure.VMMQEMU
	}
	if c.GuestFeatures == 0 {
		c.GuestFeatures = measure.DefaultGuestFeatures
	}
	return c
}

// SNPFirmware is a firmware build a policy accepts: its descriptor
// (measure.Firmware: the digest of its pages and its SEV metadata) and a
// name for people.
type SNPFirmware struct {
	Name string `json:"name,omitempty"`
	measure.Firmware
}

// GuestFeatures is a SEV_FEATURES value, written as a hex string ("0x1");
// a number is accepted too.
type GuestFeatures uint64

// MarshalJSON implements json.Marshaler.
func (g GuestFeatures) MarshalJSON() ([]byte, error) {
	return json.Marshal(fmt.Sprintf("%#x", uint64(g)))
}

// UnmarshalJSON implements json.Unmarshaler.
func (g *GuestFeatures) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(b)
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return fmt.Errorf("guest_features %s is not a number such as 0x1", b)
	}
	*g = GuestFeatures(v)
	return nil
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
	Measurements []TDXMeasurement `json:"measurements,omitempty"`
	// DirectBoot are RTMR1/RTMR2 of the image booted directly (tpod measure
	// tdx, one per memory size); with each of Firmware they give accepted
	// measurements (RTMR3 not checked).
	DirectBoot []TDXDirectBoot `json:"direct_boot,omitempty"`
	// Firmware are the TDVF builds and VM configurations accepted (MRTD and
	// RTMR0 from a known-good launch): none in a release policy, the
	// publisher adds them.
	Firmware []TDXFirmware `json:"firmware,omitempty"`
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

// TDXDirectBoot is RTMR1/RTMR2 of a direct boot of the policy's image.
type TDXDirectBoot struct {
	// Memory is the guest memory size they were computed for (QEMU writes
	// the initrd's address, which depends on it, into the kernel).
	Memory string   `json:"memory,omitempty"`
	RTMR1  HexBytes `json:"rtmr1"`
	RTMR2  HexBytes `json:"rtmr2"`
}

// TDXFirmware is an accepted TDVF and VM configuration: MRTD and RTMR0.
type TDXFirmware struct {
	Name  string   `json:"name,omitempty"`
	MRTD  HexBytes `json:"mrtd"`
	RTMR0 HexBytes `json:"rtmr0"`
}

// SimulatedPolicy is the simulated TEE's part of a policy.
type SimulatedPolicy struct {
	// Measurements are the accepted simulated measurements
	// (SimulatedMeasurement of an image's launch inputs); the measurement
	// of Policy.Image is accepted too. "any" is spelled as an empty list
	// plus AnyMeasurement.
	Measurements []HexBytes `json:"measurements,omitempty"`
	// AnyMeasurement accepts every simulated measurement.
	AnyMeasurement bool `json:"any_measurement,omitempty"`
}

// ParsePolicy parses a policy in YAML or JSON, rejecting unknown fields,
// and validates it.
func ParsePolicy(data []byte) (*Policy, error) {
	p, err := DecodePolicy(data)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// DecodePolicy decodes a policy in YAML or JSON, rejecting unknown fields,
// without validating it: for templates that are completed before use
// (internal/release). Everything else uses ParsePolicy.
func DecodePolicy(data []byte) (*Policy, error) {
	if len(data) > maxPolicySize {
		return nil, fmt.Errorf("%w: policy is larger than %d bytes", ErrInvalid, maxPolicySize)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: policy: %w", ErrInvalid, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, duration.ErrSyntax) {
			// The JSON decoder does not name the field of an unmarshaler's
			// error; max_age is the only duration of a policy.
			return nil, fmt.Errorf("%w: policy: max_age: %w", ErrInvalid, err)
		}
		return nil, fmt.Errorf("%w: policy: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: policy: trailing data", ErrInvalid)
	}
	return &p, nil
}

// Marshal writes the policy as indented JSON (which ParsePolicy reads):
// the same policy gives the same bytes, so a policy rebuilt from source can
// be compared with a published one byte for byte.
func (p *Policy) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
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
	switch p.Version {
	case 1:
		if p.Release != "" || p.Image != nil || p.Config != nil || (p.SEVSNP != nil && (p.SEVSNP.Shapes != nil || p.SEVSNP.Firmware != nil)) ||
			(p.TDX != nil && (p.TDX.DirectBoot != nil || p.TDX.Firmware != nil)) {
			return bad("version", "1 has no release, image, config, shapes, direct_boot or firmware fields (write version: %d)", PolicyVersion)
		}
	case PolicyVersion:
	default:
		return bad("version", "%d is not supported (want 1 or %d)", p.Version, PolicyVersion)
	}
	if len(p.Release) > 64 || strings.ContainsFunc(p.Release, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(".+~-", r))
	}) {
		return bad("release", "%q is not a version", p.Release)
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
	if im := p.Image; im != nil {
		for _, f := range []struct {
			name string
			v    measure.Digest256
		}{{"kernel_sha256", im.Kernel}, {"initrd_sha256", im.Initrd}, {"cmdline_sha256", im.Cmdline}} {
			if f.v == (measure.Digest256{}) {
				return bad("image."+f.name, "missing")
			}
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
		if err := p.SEVSNP.validate(p.Image, bad); err != nil {
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
		if s == nil || (len(s.Measurements) == 0 && !s.AnyMeasurement && p.Image == nil) {
			return bad("simulated.measurements", "empty, but simulated is accepted (set image, or any_measurement to accept every launch)")
		}
		for i, m := range s.Measurements {
			if len(m) != SimulatedMeasurementSize {
				return bad(fmt.Sprintf("simulated.measurements[%d]", i), "%d bytes, want %d", len(m), SimulatedMeasurementSize)
			}
		}
	}
	return validateConfigRequirements(p.Config, bad)
}

type badField func(field, format string, args ...any) error

// maxSNPDigests bounds the digests a policy makes Verify compute.
const maxSNPDigests = 1024

func (s *SNPPolicy) validate(image *measure.KernelHashes, bad badField) error {
	if s == nil || (len(s.Measurements) == 0 && len(s.Shapes) == 0) {
		return bad("sev_snp.measurements", "empty, but sev-snp is accepted (list measurements, or shapes for the image)")
	}
	for i, m := range s.Measurements {
		if len(m) != 48 {
			return bad(fmt.Sprintf("sev_snp.measurements[%d]", i), "%d bytes, want 48", len(m))
		}
	}
	if len(s.Shapes) > 0 && image == nil {
		return bad("sev_snp.shapes", "set, but the policy has no image to measure")
	}
	if len(s.Firmware) > 0 && len(s.Shapes) == 0 {
		return bad("sev_snp.firmware", "set, but there are no shapes to measure the image with")
	}
	for i, sh := range s.Shapes {
		field := fmt.Sprintf("sev_snp.shapes[%d]", i)
		if len(sh.VCPUs) == 0 {
			return bad(field+".vcpus", "empty")
		}
		for _, n := range sh.VCPUs {
			if n < 1 || n > measure.MaxVCPUs {
				return bad(field+".vcpus", "%d, want 1..%d", n, measure.MaxVCPUs)
			}
		}
		if _, err := measure.VCPUSignature(sh.VCPUType); err != nil {
			return bad(field+".vcpu_type", "%v", err)
		}
		if sh.VMM != "" {
			if _, err := measure.ParseVMM(string(sh.VMM)); err != nil {
				return bad(field+".vmm", "%v", err)
			}
		}
		if sh.GuestFeatures != 0 && uint64(sh.GuestFeatures)&measure.FeatureSNPActive == 0 {
			return bad(field+".guest_features", "%#x lacks bit 0 (SNP active)", uint64(sh.GuestFeatures))
		}
	}
	// Every firmware must measure the image in every shape: computing the
	// digests checks exactly that (they are cheap: the firmware's own
	// digest is in its descriptor), within a bound.
	combos := 0
	for _, sh := range s.Shapes {
		combos += len(sh.VCPUs) * len(s.Firmware)
	}
	if combos > maxSNPDigests {
		return bad("sev_snp.firmware", "%d firmware × shape × vCPU combinations, more than %d", combos, maxSNPDigests)
	}
	for i := range s.Firmware {
		if err := s.Firmware[i].Validate(); err != nil {
			return bad(fmt.Sprintf("sev_snp.firmware[%d]", i), "%v", err)
		}
		for _, sh := range s.Shapes {
			for _, n := range sh.VCPUs {
				if _, err := measure.SNPDigest(&s.Firmware[i].Firmware, image, sh.config(n)); err != nil {
					return bad(fmt.Sprintf("sev_snp.firmware[%d]", i), "%v", err)
				}
			}
		}
	}
	if s.MinTCB == nil {
		return bad("sev_snp.min_tcb", "missing: a SEV-SNP policy must set the minimum TCB (bootloader, tee, snp, microcode), or it accepts firmware with known vulnerabilities")
	}
	return nil
}

func (t *TDXPolicy) validate(bad badField) error {
	if t == nil || (len(t.Measurements) == 0 && len(t.DirectBoot) == 0) {
		return bad("tdx.measurements", "empty, but tdx is accepted (list measurements, or direct_boot for the image)")
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
	if len(t.Firmware) > 0 && len(t.DirectBoot) == 0 {
		return bad("tdx.firmware", "set, but there is no direct_boot to combine it with")
	}
	for i, d := range t.DirectBoot {
		for name, v := range map[string][]byte{"rtmr1": d.RTMR1, "rtmr2": d.RTMR2} {
			if len(v) != 48 {
				return bad(fmt.Sprintf("tdx.direct_boot[%d].%s", i, name), "%d bytes, want 48", len(v))
			}
		}
	}
	for i, f := range t.Firmware {
		for name, v := range map[string][]byte{"mrtd": f.MRTD, "rtmr0": f.RTMR0} {
			if len(v) != 48 {
				return bad(fmt.Sprintf("tdx.firmware[%d].%s", i, name), "%d bytes, want 48: MRTD and RTMR0 are pinned together", len(v))
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

// Duration is a time.Duration written as a Go duration string ("10m")
// (the project's one duration type).
type Duration = duration.Duration
