package attest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	spb "github.com/google/go-sev-guest/proto/sevsnp"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/measure"
)

func benchVerify(b *testing.B, q Quoter, pol *Policy, opts VerifyOptions) {
	k := newTestKeys(b)
	ev := produce(b, q, k, nil)
	data, err := ev.Marshal()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		e, err := ParseEvidence(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Verify(context.Background(), e, pol, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifySEVSNP: parse + full verification of SEV-SNP evidence (test
// chain: RSA-4096 ASK/ARK as on real hardware, P-384 VCEK).
func BenchmarkVerifySEVSNP(b *testing.B) {
	s := newSNPSigner(b)
	benchVerify(b, &fakeSNP{signer: s}, snpPolicy(),
		VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), SNPRoots: snpTestRoots(s)})
}

// BenchmarkVerifySEVSNPReleasePolicy: as BenchmarkVerifySEVSNP, against a
// policy shaped like the release template (the image, 3 vCPU types × 7 vCPU
// counts) with one firmware: the verifier computes the 21 digests. The
// report's is the last one computed (64 × EPYC-Genoa), the worst case.
func BenchmarkVerifySEVSNPReleasePolicy(b *testing.B) {
	s := newSNPSigner(b)
	fw := amdSevFirmware(b)
	counts := []int{1, 2, 4, 8, 16, 32, 64}
	pol := &Policy{Version: PolicyVersion, Kinds: []Kind{KindSEVSNP}, MaxAge: Duration(10 * time.Minute), Image: testLaunch,
		SEVSNP: &SNPPolicy{Firmware: []SNPFirmware{fw}, MinTCB: &SNPTCB{}, Shapes: []SNPShape{
			{VCPUs: counts, VCPUType: "EPYC-v4"}, {VCPUs: counts, VCPUType: "EPYC-Milan"}, {VCPUs: counts, VCPUType: "EPYC-Genoa"}}}}
	d, err := measure.SNPDigest(&fw.Firmware, testLaunch, measure.SNPConfig{VCPUs: 64, VCPUType: "EPYC-Genoa", VMM: measure.VMMQEMU, GuestFeatures: 1})
	if err != nil {
		b.Fatal(err)
	}
	benchVerify(b, &fakeSNP{signer: s, before: func(r *spb.Report) { r.Measurement = d[:] }}, pol,
		VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), SNPRoots: snpTestRoots(s)})
}

// BenchmarkVerifyTDX: parse + full verification of a TDX quote (test PKI).
func BenchmarkVerifyTDX(b *testing.B) {
	pki := newTDXPKI(b, testNow.Add(-time.Hour))
	benchVerify(b, &fakeTDX{pki: pki}, tdxPolicy(),
		VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), TDXRoots: pki.roots()})
}

// benchRealVerify verifies real hardware evidence against the vendor's real
// roots at a fixed time; every check but report-data passes (the samples'
// report_data is not ours), so a rejection naming anything else fails.
func benchRealVerify(b *testing.B, ev *Evidence, pol *Policy, when time.Time) {
	k := newTestKeys(b)
	ev.Signer, ev.X25519, ev.Nonce, ev.IssuedAt = k.addr, k.x, testNonce, when
	ev.Statement, _ = k.sign(ev.StatementDigest())
	opts := VerifyOptions{Nonce: testNonce, Now: at(when)}
	for b.Loop() {
		res, _ := Verify(context.Background(), ev, pol, opts)
		if f := res.Failed(); f == nil || f.Name != CheckReportData {
			b.Fatalf("real sample: %+v", f)
		}
	}
}

// BenchmarkVerifyRealSNP: go-sev-guest's real Milan report and VCEK against
// AMD's real roots.
func BenchmarkVerifyRealSNP(b *testing.B) {
	rep, _ := ParseSNPReport(realSNPReport)
	pol := &Policy{Version: 1, Kinds: []Kind{KindSEVSNP}, AllowDebug: true, SEVSNP: &SNPPolicy{
		Measurements: []HexBytes{rep.GetMeasurement()}, MinTCB: &SNPTCB{}}}
	benchRealVerify(b, &Evidence{Kind: KindSEVSNP, Report: realSNPReport, Certs: SNPCerts{VCEK: realSNPVCEK}}, pol,
		time.Date(2023, time.January, 10, 0, 0, 0, 0, time.UTC))
}

// BenchmarkVerifyRealTDXv5: go-tdx-guest's real quote v5 against Intel's root.
func BenchmarkVerifyRealTDXv5(b *testing.B) {
	q, err := ParseTDXQuote(realTDXQuoteV5)
	if err != nil {
		b.Fatal(err)
	}
	r := q.Body.GetRtmrs()
	pol := &Policy{Version: 1, Kinds: []Kind{KindTDX}, AllowDebug: true, TDX: &TDXPolicy{
		Measurements: []TDXMeasurement{{MRTD: q.Body.GetMrTd(), RTMR0: r[0], RTMR1: r[1], RTMR2: r[2]}}}}
	benchRealVerify(b, &Evidence{Kind: KindTDX, Report: realTDXQuoteV5}, pol, time.Date(2026, time.February, 3, 1, 0, 0, 0, time.UTC))
}

func BenchmarkVerifySimulated(b *testing.B) {
	benchVerify(b, SimulatedQuoter(testLaunch), simPolicy(b),
		VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true})
}

// TestAttestBenchReport runs the benchmarks and, with TPOD_BENCH_WRITE=1,
// rewrites the "## attestation" section of docs/benchmarks.md
// (scripts/bench.sh).
func TestAttestBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	rows := []benchdoc.Bench{
		{Name: "parse + verify sev-snp evidence (fake chain, RSA-4096 ASK/ARK, P-384 VCEK)", F: BenchmarkVerifySEVSNP},
		{Name: "the same against a release-shaped policy: 21 digests computed (3 vCPU types × 1–64 vCPUs, 1 firmware)", F: BenchmarkVerifySEVSNPReleasePolicy},
		{Name: "parse + verify tdx evidence (quote v4, test PKI)", F: BenchmarkVerifyTDX},
		{Name: "parse + verify simulated evidence", F: BenchmarkVerifySimulated},
		{Name: "verify the real Milan SEV-SNP report against AMD's real roots", F: BenchmarkVerifyRealSNP},
		{Name: "verify the real TDX quote v5 against Intel's real root", F: BenchmarkVerifyRealTDXv5},
	}
	var sb strings.Builder
	sb.WriteString(benchdoc.TimeTable("go test -run TestAttestBenchReport ./internal/attest", rows, t.Logf))
	sb.WriteString("\nVerification is offline (no CRL or PCS fetches). The fake-chain rows include parsing the evidence JSON; the real-sample rows verify parsed evidence at the sample's date (every check runs; report-data fails, the samples are not ours).\n")
	t.Log("\n" + sb.String())
	if os.Getenv("TPOD_BENCH_WRITE") == "" {
		return
	}
	if err := benchdoc.WriteSection("## attestation", sb.String()); err != nil {
		t.Fatal(err)
	}
}
