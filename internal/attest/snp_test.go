package attest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	sevabi "github.com/google/go-sev-guest/abi"
	labi "github.com/google/go-sev-guest/client/linuxabi"
	"github.com/google/go-sev-guest/kds"
	spb "github.com/google/go-sev-guest/proto/sevsnp"
	sevtest "github.com/google/go-sev-guest/testing"
	"github.com/google/go-sev-guest/verify/trust"
)

// fakeSNP is a FAKE SEV-SNP: reports signed by go-sev-guest's test-only
// ARK→ASK→VCEK chain, which only test roots trust.
type fakeSNP struct {
	signer *sevtest.AmdSigner
	// before changes the report before it is signed; after changes the
	// signed bytes.
	before func(*spb.Report)
	after  func([]byte)
	certs  func(*SNPCerts)
	// vlek signs with the VLEK (a cloud provider's key) instead of the VCEK.
	vlek bool
}

var snpMeasurement = bytes.Repeat([]byte{0x42}, 48)

func (f *fakeSNP) Kind() Kind { return KindSEVSNP }

func (f *fakeSNP) Quote(_ context.Context, rd [ReportDataSize]byte) ([]byte, SNPCerts, error) {
	key := sevabi.VcekReportSigner
	if f.vlek {
		key = sevabi.VlekReportSigner
	}
	raw := sevtest.CreateRawReport(&sevtest.TestReportOptions{
		ReportData: rd[:],
		SignerInfo: sevabi.SignerInfo{SigningKey: key},
	})
	rep, err := sevabi.ReportToProto(raw[:])
	if err != nil {
		return nil, SNPCerts{}, err
	}
	rep.Policy = sevabi.SnpPolicyToBytes(sevabi.SnpPolicy{SMT: true, ABIMajor: 1})
	rep.Measurement = bytes.Clone(snpMeasurement)
	rep.GuestSvn = 3
	if f.before != nil {
		f.before(rep)
	}
	b, err := sevabi.ReportToAbiBytes(rep)
	if err != nil {
		return nil, SNPCerts{}, err
	}
	r, s, err := f.signer.Sign(sevabi.SignedComponent(b))
	if err != nil {
		return nil, SNPCerts{}, err
	}
	if err := sevabi.SetSignature(r, s, b); err != nil {
		return nil, SNPCerts{}, err
	}
	if f.after != nil {
		f.after(b)
	}
	certs := SNPCerts{VCEK: f.signer.Vcek.Raw, ASK: f.signer.Ask.Raw, ARK: f.signer.Ark.Raw}
	if f.vlek {
		certs = SNPCerts{VLEK: f.signer.Vlek.Raw}
	}
	if f.certs != nil {
		f.certs(&certs)
	}
	return b, certs, nil
}

func newSNPSigner(t testing.TB) *sevtest.AmdSigner {
	t.Helper()
	s, err := sevtest.DefaultTestOnlyCertChain(sevtest.GetProductName(), testNow.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func snpTestRoots(s *sevtest.AmdSigner) map[string][]*trust.AMDRootCerts {
	line := sevtest.GetProductLine()
	r := trust.AMDRootCertsProduct(line)
	r.ProductCerts = &trust.ProductCerts{Ark: s.Ark, Ask: s.Ask, Asvk: s.Asvk}
	return map[string][]*trust.AMDRootCerts{line: {r}}
}

func snpPolicy() *Policy {
	return &Policy{
		Version: PolicyVersion,
		Kinds:   []Kind{KindSEVSNP},
		MaxAge:  Duration(10 * time.Minute),
		SEVSNP:  &SNPPolicy{Measurements: []HexBytes{snpMeasurement}, MinTCB: &SNPTCB{}, MinGuestSVN: 2},
	}
}

func TestSNPFakeAcceptedOnlyWithTestRoots(t *testing.T) {
	s := newSNPSigner(t)
	k := newTestKeys(t)
	ev := produce(t, &fakeSNP{signer: s}, k, testWorkload)
	opts := VerifyOptions{Nonce: testNonce, Workload: testWorkload, Now: at(testNow.Add(time.Minute)), SNPRoots: snpTestRoots(s)}
	res := mustPass(t, ev, snpPolicy(), opts)
	if !bytes.Equal(res.Measurement, snpMeasurement) {
		t.Fatalf("measurement %x", res.Measurement)
	}
	for _, c := range res.Checks {
		if !c.OK || c.Reason == "" {
			t.Fatalf("check %+v", c)
		}
	}

	// The same evidence against AMD's real roots: rejected at the chain.
	real := opts
	real.SNPRoots = nil
	mustFail(t, ev, snpPolicy(), real, CheckCertChain, "does not chain to a trusted")
}

func TestSNPTampered(t *testing.T) {
	s := newSNPSigner(t)
	k := newTestKeys(t)
	roots := snpTestRoots(s)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), SNPRoots: roots}

	otherKeys := sevtest.DefaultAmdKeys()
	otherKeys.Ark, otherKeys.Ask = sevtest.DefaultAsk(), sevtest.DefaultArk() // swapped: a different chain
	b := &sevtest.AmdSignerBuilder{Keys: otherKeys, ProductName: sevtest.GetProductName(), CSPID: "x",
		ArkCreationTime: testNow.Add(-time.Hour), AskCreationTime: testNow.Add(-time.Hour), AsvkCreationTime: testNow.Add(-time.Hour), VcekCreationTime: testNow.Add(-time.Hour)}
	foreign, err := b.TestOnlyCertChain()
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, check, want string
		q                 *fakeSNP
		edit              func(*Evidence)
		opts              func(*VerifyOptions)
		pol               func(*Policy)
	}{
		{name: "measurement", check: CheckMeasurement, want: "is not accepted",
			q: &fakeSNP{signer: s, before: func(r *spb.Report) { r.Measurement[0] ^= 1 }}},
		{name: "report_data", check: CheckReportData, want: "does not bind",
			q: &fakeSNP{signer: s, before: func(r *spb.Report) { r.ReportData[5] ^= 1 }}},
		{name: "signature", check: CheckSignature, want: "signature",
			q: &fakeSNP{signer: s, after: func(b []byte) { b[0x90] ^= 1 }}}, // measurement changed after signing
		{name: "cert chain", check: CheckCertChain, want: "does not chain",
			q: &fakeSNP{signer: s, certs: func(c *SNPCerts) { c.VCEK = foreign.Vcek.Raw }}},
		{name: "missing vcek", check: CheckCertChain, want: "lacks the VCEK",
			q: &fakeSNP{signer: s, certs: func(c *SNPCerts) { c.VCEK = nil }}},
		{name: "debug", check: CheckDebug, want: "allows debugging",
			q: &fakeSNP{signer: s, before: func(r *spb.Report) {
				r.Policy = sevabi.SnpPolicyToBytes(sevabi.SnpPolicy{SMT: true, Debug: true})
			}}},
		{name: "tcb below minimum", check: CheckTCB, want: "below the minimum",
			q:   &fakeSNP{signer: s},
			pol: func(p *Policy) { p.SEVSNP.MinTCB = &SNPTCB{SNP: 8} }},
		{name: "tcb differs from vcek", check: CheckTCB, want: "differs from the TCB",
			q: &fakeSNP{signer: s, before: func(r *spb.Report) {
				v, _ := kds.ComposeTCBParts(kds.TCBParts{SnpSpl: 20, UcodeSpl: 200})
				r.ReportedTcb = uint64(v)
			}}},
		{name: "guest svn", check: CheckTCB, want: "guest SVN",
			q: &fakeSNP{signer: s}, pol: func(p *Policy) { p.SEVSNP.MinGuestSVN = 4 }},
		{name: "nonce", check: CheckNonce, want: "is not the expected nonce",
			q: &fakeSNP{signer: s}, opts: func(o *VerifyOptions) { o.Nonce = bytes.Repeat([]byte{1}, 32) }},
		{name: "nonce field", check: CheckReportData, want: "does not bind",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.Nonce = bytes.Repeat([]byte{1}, 32) }},
		{name: "signer field", check: CheckReportData, want: "does not bind",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.Signer[0] ^= 1 }},
		{name: "x25519 field", check: CheckReportData, want: "does not bind",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.X25519[0] ^= 1 }},
		{name: "age", check: CheckAge, want: "more than max_age",
			q: &fakeSNP{signer: s}, opts: func(o *VerifyOptions) { o.Now = at(testNow.Add(time.Hour)) }},
		{name: "future", check: CheckAge, want: "in the future",
			q: &fakeSNP{signer: s}, opts: func(o *VerifyOptions) { o.Now = at(testNow.Add(-time.Hour)) }},
		{name: "issued_at field", check: CheckStatement, want: "not by the attested signer",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.IssuedAt = e.IssuedAt.Add(time.Minute) }},
		{name: "extra field", check: CheckStatement, want: "not by the attested signer",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.Extra = []byte("tpod/gateway-tls/v1") }},
		{name: "workload field", check: CheckStatement, want: "not by the attested signer",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.Workload = testWorkload }},
		{name: "statement signature", check: CheckStatement, want: "signature",
			q: &fakeSNP{signer: s}, edit: func(e *Evidence) { e.Statement[64] = 30 }},
		{name: "workload", check: CheckWorkload, want: "want",
			q: &fakeSNP{signer: s}, opts: func(o *VerifyOptions) { o.Workload = testWorkload }},
		{name: "policy workloads", check: CheckWorkload, want: "not among",
			q: &fakeSNP{signer: s}, pol: func(p *Policy) { p.Workloads = []HexBytes{testWorkload} }},
		{name: "kind not accepted", check: CheckKind, want: "does not accept",
			q: &fakeSNP{signer: s}, pol: func(p *Policy) {
				*p = *tdxPolicy()
			}},
		{name: "no freshness", check: CheckNonce, want: "nothing shows the evidence is fresh",
			q: &fakeSNP{signer: s}, opts: func(o *VerifyOptions) { o.Nonce = nil }, pol: func(p *Policy) { p.MaxAge = 0 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := produce(t, tc.q, k, nil)
			if tc.edit != nil {
				tc.edit(ev)
			}
			o := opts
			if tc.opts != nil {
				tc.opts(&o)
			}
			p := snpPolicy()
			if tc.pol != nil {
				tc.pol(p)
			}
			mustFail(t, ev, p, o, tc.check, tc.want)
		})
	}
}

// Real hardware evidence shipped in go-sev-guest's testdata (a Milan report
// and its VCEK), verified against AMD's real roots, offline, at a fixed time.
//
//go:embed testdata/snp-milan-attestation.bin
var realSNPReport []byte

//go:embed testdata/snp-milan-vcek.der
var realSNPVCEK []byte

func TestSNPRealSampleAgainstAMDRoots(t *testing.T) {
	rep, err := ParseSNPReport(realSNPReport)
	if err != nil {
		t.Fatal(err)
	}
	k := newTestKeys(t)
	when := time.Date(2023, time.January, 10, 0, 0, 0, 0, time.UTC)
	ev := &Evidence{
		Kind: KindSEVSNP, Signer: k.addr, X25519: k.x, Nonce: testNonce, IssuedAt: when,
		Report: realSNPReport, Certs: SNPCerts{VCEK: realSNPVCEK},
	}
	ev.Statement, _ = k.sign(ev.StatementDigest())
	tcb := kds.DecomposeTCBVersion(kds.TCBVersion(rep.GetReportedTcb()))
	pol := &Policy{Version: 1, Kinds: []Kind{KindSEVSNP}, AllowDebug: true, MaxAge: Duration(time.Hour), SEVSNP: &SNPPolicy{
		Measurements: []HexBytes{rep.GetMeasurement()},
		MinTCB:       &SNPTCB{Bootloader: tcb.BlSpl, TEE: tcb.TeeSpl, SNP: tcb.SnpSpl, Microcode: tcb.UcodeSpl},
	}}
	opts := VerifyOptions{Nonce: testNonce, Now: at(when.Add(time.Minute))}
	res, err := Verify(context.Background(), ev, pol, opts)
	for _, c := range res.Checks {
		t.Logf("%-12s %-11s %s", c.Name, c.Status, c.Reason)
	}
	// Every check passes except the report-data binding: the sample was not
	// made by tpod, so its report_data binds nothing of ours.
	for _, c := range res.Checks {
		if c.Name != CheckReportData && !c.OK {
			t.Fatalf("real AMD sample: check %s failed: %+v", c.Name, c)
		}
	}
	if c := res.Check(CheckReportData); c == nil || c.Status != StatusFailed || err == nil {
		t.Fatalf("report-data check on a foreign report: %+v, err %v", c, err)
	}
	// The sample comes from a debuggable test VM: accepted, loudly.
	if c := res.Check(CheckDebug); !strings.Contains(c.Reason, "ALLOWED BY POLICY") || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "DEBUGGABLE") {
		t.Fatalf("debug allowed quietly: %+v, warnings %q", c, res.Warnings)
	}

	// The default (no allow_debug) refuses it for debug.
	pol.AllowDebug = false
	mustFail(t, ev, pol, opts, CheckDebug, "guest policy allows debugging")
	pol.AllowDebug = true

	// Past max_age at a fixed time: refused, the age named.
	mustFail(t, ev, pol, VerifyOptions{Nonce: testNonce, Now: at(when.Add(2 * time.Hour))}, CheckAge, "2h0m0s old, more than max_age 1h0m0s")

	// Another measurement pinned: refused, the value named.
	other := *pol
	other.SEVSNP = &SNPPolicy{Measurements: []HexBytes{bytes.Repeat([]byte{1}, 48)}, MinTCB: pol.SEVSNP.MinTCB}
	mustFail(t, ev, &other, opts, CheckMeasurement, hex.EncodeToString(rep.GetMeasurement()))

	// One flipped bit in the signed part and the real roots reject it; the
	// checks of its fields are not checked rather than ok.
	bad := bytes.Clone(realSNPReport)
	bad[0x90] ^= 1
	ev.Report = bad
	res = mustFail(t, ev, pol, opts, CheckSignature, "signature")
	for _, name := range []string{CheckMeasurement, CheckDebug, CheckTCB, CheckReportData} {
		if c := res.Check(name); c == nil || c.Status != StatusNotChecked || c.OK {
			t.Errorf("after a signature failure, %s is %+v, want not checked", name, c)
		}
	}
	// Without the VCEK the chain fails, and the signature is not checked.
	ev.Report, ev.Certs = realSNPReport, SNPCerts{}
	res = mustFail(t, ev, pol, opts, CheckCertChain, "lacks the VCEK")
	if c := res.Check(CheckSignature); c.Status != StatusNotChecked {
		t.Errorf("signature after a chain failure: %+v", c)
	}
}

func TestSNPFakeVLEK(t *testing.T) {
	keys := sevtest.DefaultAmdKeys()
	keys.Vlek = sevtest.DefaultVlek()
	when := testNow.Add(-24 * time.Hour)
	b := &sevtest.AmdSignerBuilder{Keys: keys, ProductName: sevtest.GetProductName(), CSPID: "tpod-test",
		ArkCreationTime: when, AskCreationTime: when, AsvkCreationTime: when, VcekCreationTime: when, VlekCreationTime: when}
	s, err := b.TestOnlyCertChain()
	if err != nil {
		t.Fatal(err)
	}
	k := newTestKeys(t)
	ev := produce(t, &fakeSNP{signer: s, vlek: true}, k, nil)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), SNPRoots: snpTestRoots(s)}
	res := mustPass(t, ev, snpPolicy(), opts)
	if !strings.Contains(res.Check(CheckCertChain).Reason, "VLEK") {
		t.Fatalf("cert-chain reason %q", res.Check(CheckCertChain).Reason)
	}
	ev.Certs.VLEK = nil
	mustFail(t, ev, snpPolicy(), opts, CheckCertChain, "lacks the VLEK")
	opts.SNPRoots = nil
	ev = produce(t, &fakeSNP{signer: s, vlek: true}, k, nil)
	mustFail(t, ev, snpPolicy(), opts, CheckCertChain, "does not chain")
}

// The production SEV-SNP quoter (configfs-tsm/ioctl provider → report and
// certificate table) on go-sev-guest's FAKE quote provider.
func TestSNPQuoterOnFakeProvider(t *testing.T) {
	s := newSNPSigner(t)
	k := newTestKeys(t)
	rd := ReportData(k.addr, k.x, testNonce)
	raw := sevtest.CreateRawReport(&sevtest.TestReportOptions{ReportData: rd[:], SignerInfo: sevabi.SignerInfo{SigningKey: sevabi.VcekReportSigner}})
	rep, err := sevabi.ReportToProto(raw[:])
	if err != nil {
		t.Fatal(err)
	}
	rep.Policy = sevabi.SnpPolicyToBytes(sevabi.SnpPolicy{SMT: true})
	rep.Measurement = bytes.Clone(snpMeasurement)
	rep.GuestSvn = 2
	b, err := sevabi.ReportToAbiBytes(rep)
	if err != nil {
		t.Fatal(err)
	}
	var resp labi.SnpReportRespABI
	copy(resp.Data[:], b)
	table, err := s.CertTableBytes()
	if err != nil {
		t.Fatal(err)
	}
	dev := &sevtest.Device{
		ReportDataRsp: map[string]any{hex.EncodeToString(rd[:]): &sevtest.GetReportResponse{Resp: resp}},
		Certs:         table,
		Signer:        s,
		SevProduct:    sevabi.DefaultSevProduct(),
	}
	q := &snpQuoter{qp: &sevtest.QuoteProvider{Device: dev}}
	ev := produce(t, q, k, nil)
	if !bytes.Equal(ev.Certs.VCEK, s.Vcek.Raw) || !bytes.Equal(ev.Certs.ARK, s.Ark.Raw) {
		t.Fatal("certificates not taken from the table")
	}
	mustPass(t, ev, snpPolicy(), VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), SNPRoots: snpTestRoots(s)})
}
