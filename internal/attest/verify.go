package attest

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/google/go-sev-guest/verify/trust"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Check names, in the order Verify runs them.
const (
	CheckPolicy      = "policy"      // the policy is well formed
	CheckFormat      = "format"      // evidence structure and sizes
	CheckKind        = "kind"        // the policy accepts this kind
	CheckCertChain   = "cert-chain"  // the endorsement chain ends at a trusted vendor root
	CheckSignature   = "signature"   // the vendor library verifies the report/quote signatures
	CheckMeasurement = "measurement" // the launch measurement is accepted
	CheckDebug       = "debug"       // the guest is not debuggable
	CheckTCB         = "tcb"         // firmware/microcode security versions are high enough
	CheckReportData  = "report-data" // report_data binds the keys and the nonce
	CheckStatement   = "statement"   // the signing key signed issue time and workload
	CheckNonce       = "nonce"       // the nonce is the verifier's
	CheckAge         = "age"         // the evidence is fresh enough
	CheckWorkload    = "workload"    // the workload hash is the expected one
	CheckConfig      = "config"      // the configuration document is the committed one and has the required values
	CheckPeer        = "peer"        // the evidence names the peer it came from
)

// Check statuses. A check is "not checked" when a check it depends on
// failed: after a failed certificate chain or signature, the report's fields
// are unauthenticated and nothing is said about them.
const (
	StatusOK         = "ok"
	StatusFailed     = "failed"
	StatusNotChecked = "not checked"
)

// Check is the outcome of one verification step. OK is true only for
// StatusOK.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// Result is the outcome of Verify.
type Result struct {
	// OK is true when every check passed.
	OK bool `json:"ok"`
	// Kind is the evidence kind.
	Kind Kind `json:"kind"`
	// Checks lists every check with its outcome and reason.
	Checks []Check `json:"checks"`
	// Signer and X25519 are the verified enclave keys; set only when OK.
	Signer common.Address  `json:"-"`
	X25519 *ecdh.PublicKey `json:"-"`
	// Measurement is the launch measurement (SEV-SNP MEASUREMENT, TDX MRTD,
	// simulated SHA-384), whether accepted or not.
	Measurement HexBytes `json:"measurement,omitempty"`
	// Workload is the workload hash the evidence commits to, if any.
	Workload HexBytes `json:"workload,omitempty"`
	// Version is the evidence format version.
	Version int `json:"evidence_version"`
	// Config is the provider's configuration document, set only when it
	// hashes to what the statement commits to; ConfigSHA256 is that hash
	// and ConfigEntries its values (FlattenConfig).
	Config        []byte        `json:"-"`
	ConfigSHA256  HexBytes      `json:"config_sha256,omitempty"`
	ConfigEntries []ConfigEntry `json:"config,omitempty"`
	// PeerID is the libp2p peer the evidence is bound to, if any.
	PeerID string `json:"peer_id,omitempty"`
	// Extra is the extra data the evidence commits to, if any (verified
	// only when OK).
	Extra HexBytes `json:"extra,omitempty"`
	// IssuedAt is the signed issue time.
	IssuedAt time.Time `json:"issued_at"`
	// Warnings are what a person must be told even when the evidence is
	// accepted: simulated evidence, a debuggable guest allowed by the policy.
	Warnings []string `json:"warnings,omitempty"`
	// At is the verification time.
	At time.Time `json:"verified_at"`
}

// MarshalJSON adds the verified keys (hex) when the result is OK.
func (r *Result) MarshalJSON() ([]byte, error) {
	type plain Result
	v := struct {
		*plain
		Signer string `json:"signer,omitempty"`
		X25519 string `json:"x25519,omitempty"`
	}{plain: (*plain)(r)}
	if r.OK && r.X25519 != nil {
		v.Signer, v.X25519 = r.Signer.Hex(), hex.EncodeToString(r.X25519.Bytes())
	}
	return json.Marshal(v)
}

// Failed returns the first failed check, or nil.
func (r *Result) Failed() *Check {
	for i := range r.Checks {
		if !r.Checks[i].OK {
			return &r.Checks[i]
		}
	}
	return nil
}

// Check returns the named check, or nil. A name can appear twice (format:
// the envelope, then the kind's report); the one that did not pass wins.
func (r *Result) Check(name string) *Check {
	var found *Check
	for i := range r.Checks {
		if c := &r.Checks[i]; c.Name == name && (found == nil || found.OK) {
			found = c
		}
	}
	return found
}

// VerifyOptions are a verifier's inputs beyond the policy.
type VerifyOptions struct {
	// Nonce is the nonce the verifier sent; it overrides Policy.Nonce.
	Nonce []byte
	// Workload is the workload hash the verifier expects, if any.
	Workload []byte
	// PeerID is the libp2p peer the evidence came from (the connection's
	// remote peer); evidence bound to another peer, or to none, is refused.
	// Empty when the evidence did not come over libp2p (a file).
	PeerID peer.ID
	// Now returns the verification time (certificate validity, max_age);
	// nil means time.Now.
	Now func() time.Time
	// AllowInsecureSimulated accepts simulated evidence, which no hardware
	// backs and anyone can forge. Development only.
	AllowInsecureSimulated bool
	// SNPRoots replaces AMD's roots embedded in go-sev-guest. Tests only.
	SNPRoots map[string][]*trust.AMDRootCerts
	// TDXRoots replaces Intel's SGX root CA. Tests only.
	TDXRoots *x509.CertPool
}

// maxClockSkew is how far in the future a signed issue time may be.
const maxClockSkew = 2 * time.Minute

// checker accumulates checks and warnings.
// kind checks that the policy accepts the evidence's kind (simulated only
// with the insecure option); false ends the verification.
func (c *checker) kind(ev *Evidence, pol *Policy, opts VerifyOptions) bool {
	switch {
	case !pol.accepts(ev.Kind):
		c.fail(CheckKind, "policy does not accept %s evidence (accepts %v)", ev.Kind, pol.Kinds)
		return false
	case ev.Kind == KindSimulated && !opts.AllowInsecureSimulated:
		c.fail(CheckKind, "simulated evidence is not backed by any hardware and anyone can forge it; refused unless the insecure simulated option is set")
		return false
	case ev.Kind == KindSimulated:
		c.pass(CheckKind, "INSECURE: simulated evidence accepted by explicit option; it proves nothing")
		c.warn("simulated evidence is not confidential computing: no hardware signs it and anyone can forge it; accepted only because the insecure simulated option was given")
	default:
		c.pass(CheckKind, "policy accepts %s", ev.Kind)
	}
	return true
}

// hardware verifies the kind's report (signature chain, measurement, TCB);
// nil ends the verification.
func (c *checker) hardware(ctx context.Context, ev *Evidence, pol *Policy, opts VerifyOptions, t time.Time) *hwReport {
	var hw *hwReport
	if err := libCall(func() error {
		switch ev.Kind {
		case KindSEVSNP:
			hw = verifySNP(ctx, c, ev, pol, opts, t)
		case KindTDX:
			hw = verifyTDX(ctx, c, ev, pol, opts, t)
		case KindSimulated:
			hw = verifySimulated(c, ev, pol)
		}
		return nil
	}); err != nil {
		c.fail(CheckSignature, "verification aborted: %v", err)
		return nil
	}
	return hw
}

// reportData checks that the report binds the signer, the X25519 key and
// the nonce.
func (c *checker) reportData(ev *Evidence, hw *hwReport) {
	want := ev.ReportData()
	if !hw.authentic {
		c.skip(CheckReportData, "the report is unauthenticated, so its report_data binds nothing")
	} else if subtle.ConstantTimeCompare(hw.reportData, want[:]) == 1 {
		c.pass(CheckReportData, "report_data = SHA-512(%q ‖ signer ‖ x25519 ‖ nonce)", reportDataDomain)
	} else {
		c.fail(CheckReportData, "report_data %s… does not bind signer %s, the X25519 key and the nonce (want %s…)",
			hex.EncodeToString(hw.reportData[:min(8, len(hw.reportData))]), ev.Signer.Hex(), hex.EncodeToString(want[:8]))
	}
}

// statement checks that the attested signer signed the statement.
func (c *checker) statement(ev *Evidence) {
	if got, err := recoverSigner(ev.StatementDigest(), ev.Statement); err != nil {
		c.fail(CheckStatement, "statement signature: %v", err)
	} else if got != ev.Signer {
		c.fail(CheckStatement, "statement signed by %s, not by the attested signer %s", got.Hex(), ev.Signer.Hex())
	} else {
		c.pass(CheckStatement, "attested signer signed issue time %s, workload, %d bytes of extra data%s", ev.IssuedAt.Format(time.RFC3339), len(ev.Extra),
			map[bool]string{true: ", configuration and peer ID", false: ""}[ev.version() >= 2])
	}
}

// nonce checks the evidence's nonce against the caller's (else the
// policy's); without one, freshness rests on max_age.
func (c *checker) nonce(ev *Evidence, pol *Policy, opts VerifyOptions) {
	expNonce := opts.Nonce
	if len(expNonce) == 0 {
		expNonce = pol.Nonce
	}
	switch {
	case len(expNonce) == 0 && pol.MaxAge == 0:
		c.fail(CheckNonce, "no expected nonce and no max_age: nothing shows the evidence is fresh")
	case len(expNonce) == 0:
		c.pass(CheckNonce, "no expected nonce; freshness rests on max_age %s", time.Duration(pol.MaxAge))
	case len(expNonce) < MinNonceSize:
		c.fail(CheckNonce, "expected nonce is %d bytes, want at least %d", len(expNonce), MinNonceSize)
	case subtle.ConstantTimeCompare(expNonce, ev.Nonce) != 1:
		c.fail(CheckNonce, "evidence nonce %x is not the expected nonce %x", ev.Nonce, expNonce)
	default:
		c.pass(CheckNonce, "nonce matches")
	}
}

// age checks the issue time against now t and the policy's max_age.
func (c *checker) age(ev *Evidence, pol *Policy, t time.Time) {
	age := t.Sub(ev.IssuedAt)
	switch {
	case ev.IssuedAt.After(t.Add(maxClockSkew)):
		c.fail(CheckAge, "issued at %s, in the future (now %s)", ev.IssuedAt.Format(time.RFC3339), t.UTC().Format(time.RFC3339))
	case pol.MaxAge == 0:
		c.pass(CheckAge, "policy sets no max_age (evidence is %s old)", age.Round(time.Second))
	case age > time.Duration(pol.MaxAge):
		c.fail(CheckAge, "evidence is %s old, more than max_age %s", age.Round(time.Second), time.Duration(pol.MaxAge))
	default:
		c.pass(CheckAge, "evidence is %s old (max_age %s)", age.Round(time.Second), time.Duration(pol.MaxAge))
	}
}

// workload checks the committed workload against the caller's and the
// policy's.
func (c *checker) workload(ev *Evidence, pol *Policy, opts VerifyOptions) {
	switch {
	case len(opts.Workload) > 0 && !bytes.Equal(opts.Workload, ev.Workload):
		c.fail(CheckWorkload, "evidence commits to workload %x, want %x", ev.Workload, opts.Workload)
	case len(pol.Workloads) > 0 && !containsBytes(pol.Workloads, ev.Workload):
		c.fail(CheckWorkload, "workload %x is not among the policy's workloads", ev.Workload)
	case len(opts.Workload) > 0 || len(pol.Workloads) > 0:
		c.pass(CheckWorkload, "workload %x accepted", ev.Workload)
	case len(ev.Workload) > 0:
		c.pass(CheckWorkload, "evidence claims workload %x; none expected", ev.Workload)
	default:
		c.pass(CheckWorkload, "no workload expected")
	}
}

// peer checks that the evidence names the peer it came from (a relayed
// evidence names another).
func (c *checker) peer(ev *Evidence, opts VerifyOptions) {
	switch {
	case opts.PeerID == "" && ev.PeerID == "":
		c.pass(CheckPeer, "no peer expected; the evidence names none")
	case opts.PeerID == "":
		c.pass(CheckPeer, "the evidence names peer %s; no connection to compare it with", ev.PeerID)
	case ev.PeerID == "":
		c.fail(CheckPeer, "the evidence (version %d) names no peer, but it came from peer %s: it could be another enclave's evidence relayed", ev.version(), opts.PeerID)
	case ev.PeerID != opts.PeerID:
		c.fail(CheckPeer, "the evidence names peer %s, but it came from peer %s: another enclave's evidence relayed", ev.PeerID, opts.PeerID)
	default:
		c.pass(CheckPeer, "the evidence names peer %s, the one it came from", ev.PeerID)
	}
}

type checker struct {
	checks   []Check
	warnings []string
}

func (c *checker) add(name, status, format string, args ...any) {
	c.checks = append(c.checks, Check{Name: name, OK: status == StatusOK, Status: status, Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) pass(name, format string, args ...any) { c.add(name, StatusOK, format, args...) }

func (c *checker) fail(name, format string, args ...any) { c.add(name, StatusFailed, format, args...) }

// skip records a check that depends on one that failed.
func (c *checker) skip(name, format string, args ...any) {
	c.add(name, StatusNotChecked, format, args...)
}

func (c *checker) warn(format string, args ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, args...))
}

// result records err as the outcome of a check: pass with okReason when nil.
func (c *checker) result(name string, err error, okReason string) bool {
	if err != nil {
		c.fail(name, "%v", err)
		return false
	}
	c.pass(name, "%s", okReason)
	return true
}

// unauthenticated marks the checks of the report's own fields as not
// checked, after the chain or signature that authenticates them failed.
func (c *checker) unauthenticated(why string) {
	for _, name := range []string{CheckMeasurement, CheckDebug, CheckTCB} {
		c.skip(name, "%s: the report's fields are unauthenticated", why)
	}
}

// hwReport is what a kind-specific verifier extracts from hardware evidence.
type hwReport struct {
	reportData  []byte
	measurement []byte
	// authentic is false when the certificate chain or the signature
	// failed: reportData is then unauthenticated.
	authentic bool
}

// Verify checks evidence against a policy, failing closed: any check that
// cannot be completed is a failure. It returns the result listing every check
// and, when any failed, an error wrapping ErrAttestation that names the first
// failure. The verified keys are in the result only when it is OK.
func Verify(ctx context.Context, ev *Evidence, pol *Policy, opts VerifyOptions) (*Result, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	t := now()
	c := &checker{}
	res := &Result{At: t.UTC()}
	finish := func() (*Result, error) {
		res.Checks, res.Warnings = c.checks, c.warnings
		if f := res.Failed(); f != nil {
			return res, fmt.Errorf("%w: %s: %s", ErrAttestation, f.Name, f.Reason)
		}
		res.OK = true
		return res, nil
	}

	if ev == nil || pol == nil {
		c.fail(CheckFormat, "no evidence or no policy")
		return finish()
	}
	if err := pol.Validate(); err != nil {
		c.fail(CheckPolicy, "%v", err)
		return finish()
	}
	if err := ev.validate(); err != nil {
		c.fail(CheckFormat, "%v", err)
		return finish()
	}
	res.Kind, res.IssuedAt, res.Workload, res.Extra, res.Version = ev.Kind, ev.IssuedAt, ev.Workload, ev.Extra, ev.version()
	res.ConfigSHA256 = ev.ConfigSHA256
	if ev.PeerID != "" {
		res.PeerID = ev.PeerID.String()
	}
	c.pass(CheckFormat, "%s evidence, version %d", ev.Kind, ev.version())

	if !c.kind(ev, pol, opts) {
		return finish()
	}
	hw := c.hardware(ctx, ev, pol, opts, t)
	if hw == nil {
		return finish()
	}
	res.Measurement = hw.measurement
	c.reportData(ev, hw)
	c.statement(ev)
	c.nonce(ev, pol, opts)
	c.age(ev, pol, t)
	c.workload(ev, pol, opts)
	// The document is shown whenever it is the committed one, even when a
	// required value is refused: it says what failed.
	if entries := checkConfig(c, ev, pol.Config); entries != nil {
		res.Config, res.ConfigEntries = ev.Config, entries
	}
	c.peer(ev, opts)

	if pub, err := ecdh.X25519().NewPublicKey(ev.X25519); err != nil {
		c.fail(CheckFormat, "x25519 key: %v", err)
	} else {
		res.X25519, res.Signer = pub, ev.Signer
	}
	r, err := finish()
	if err != nil {
		// Keys are handed out only when every check passed.
		r.X25519, r.Signer = nil, common.Address{}
	}
	return r, err
}

func containsBytes(list []HexBytes, b []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}

func containsMeasurement(list []HexBytes, m []byte) bool { return containsBytes(list, m) }

// verifySimulated checks a simulated report: only its format and measurement,
// since nothing signs it.
func verifySimulated(c *checker, ev *Evidence, p *Policy) *hwReport {
	pol := p.Simulated
	r, err := ParseSimulatedReport(ev.Report)
	if err != nil {
		c.fail(CheckFormat, "%v", err)
		return nil
	}
	c.pass(CheckCertChain, "INSECURE: simulated evidence has no certificate chain")
	c.pass(CheckSignature, "INSECURE: simulated evidence has no signature")
	unknown := ""
	if r.Measurement == ([SimulatedMeasurementSize]byte{}) {
		unknown = " (zero: the simulated TEE was started without launch inputs, no image)"
	}
	switch {
	case pol.AnyMeasurement:
		c.pass(CheckMeasurement, "INSECURE: policy accepts any simulated measurement (%x…%s)", r.Measurement[:8], unknown)
	case p.Image != nil && r.Measurement == SimulatedMeasurement(p.Image):
		c.pass(CheckMeasurement, "INSECURE: simulated measurement %x… is the policy's image (kernel %x…), as the host claims", r.Measurement[:8], p.Image.Kernel[:6])
	case containsMeasurement(simulatedAccepted(p), r.Measurement[:]):
		c.pass(CheckMeasurement, "INSECURE: simulated measurement %x… is listed, as the host claims", r.Measurement[:8])
	case p.Image != nil:
		c.fail(CheckMeasurement, "simulated measurement %x%s is not the policy's image (kernel %x…, initrd %x…, cmdline %x…) nor listed",
			r.Measurement[:], unknown, p.Image.Kernel[:6], p.Image.Initrd[:6], p.Image.Cmdline[:6])
	default:
		c.fail(CheckMeasurement, "simulated measurement %x%s is not accepted by the policy", r.Measurement[:], unknown)
	}
	c.pass(CheckDebug, "INSECURE: the simulated TEE is always debuggable by the machine's administrator")
	c.pass(CheckTCB, "INSECURE: the simulated TEE has no TCB")
	return &hwReport{reportData: r.ReportData[:], measurement: r.Measurement[:], authentic: true}
}

// libCall runs f, turning a panic in the vendor libraries (their parsers have
// panicked on malformed input, found by fuzzing) into an error: untrusted
// evidence must not crash a verifier, and a crash is a rejection.
func libCall(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: malformed input made the vendor library panic: %v", ErrInvalid, r)
		}
	}()
	return f()
}

// Verifier checks evidence answered to a nonce; components that verify
// providers (publisher, p2p client, gateway clients) depend on this contract.
type Verifier interface {
	Verify(ctx context.Context, ev *Evidence, nonce []byte) (*Result, error)
}

// PolicyVerifier verifies against a fixed policy and options; the nonce of
// each call replaces Options.Nonce.
type PolicyVerifier struct {
	Policy  *Policy
	Options VerifyOptions
}

var _ Verifier = (*PolicyVerifier)(nil)

// Verify implements Verifier.
func (v *PolicyVerifier) Verify(ctx context.Context, ev *Evidence, nonce []byte) (*Result, error) {
	opts := v.Options
	if nonce != nil {
		opts.Nonce = nonce
	}
	return Verify(ctx, ev, v.Policy, opts)
}
