package attest

import (
	"context"
	"crypto/sha512"
	"testing"
	"time"
)

func sha512Sum(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

func evidenceSeeds(f *testing.F) {
	k := newTestKeys(f)
	for _, q := range []Quoter{SimulatedQuoter(), &fakeSNP{signer: newSNPSigner(f)}, &fakeTDX{pki: newTDXPKI(f, testNow.Add(-time.Hour))}} {
		ev := produce(f, q, k, testWorkload)
		b, _ := ev.Marshal()
		f.Add(b)
	}
	f.Add([]byte(`{"format":"tpod-attestation-evidence","version":1}`))
}

func FuzzParseEvidence(f *testing.F) {
	evidenceSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseEvidence(data)
		if err != nil {
			return
		}
		if _, err := ev.Marshal(); err != nil {
			t.Fatalf("parsed evidence does not marshal: %v", err)
		}
	})
}

// FuzzVerify runs the whole verification on parsed evidence. It is slow under
// the fuzzer's instrumentation (RSA-4096 in AMD's chain), fine as seeds.
func FuzzVerify(f *testing.F) {
	evidenceSeeds(f)
	pol := &Policy{Version: 1, Kinds: []Kind{KindSEVSNP, KindTDX, KindSimulated}, MaxAge: Duration(time.Hour),
		SEVSNP:    &SNPPolicy{Measurements: []HexBytes{snpMeasurement}, MinTCB: &SNPTCB{}},
		TDX:       tdxPolicy().TDX,
		Simulated: &SimulatedPolicy{AnyMeasurement: true}}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseEvidence(data)
		if err != nil {
			return
		}
		// Must not panic, and must never accept hardware kinds: the fakes
		// are signed by test roots, and these are the real roots.
		res, err := Verify(context.Background(), ev, pol, VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true})
		if err == nil && ev.Kind != KindSimulated {
			t.Fatalf("fuzzed %s evidence verified against real roots: %+v", ev.Kind, res)
		}
	})
}

func FuzzParseSNPReport(f *testing.F) {
	f.Add(realSNPReport)
	f.Add(make([]byte, 1184))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseSNPReport(data)
	})
}

func FuzzParseTDXQuote(f *testing.F) {
	f.Add(realTDXQuote)
	f.Add(realTDXQuote[:1000])
	f.Add(realTDXQuoteV5)
	f.Add(realTDXQuotePadded)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParseTDXQuote(data)
	})
}

func FuzzParseSimulatedReport(f *testing.F) {
	var m [SimulatedMeasurementSize]byte
	var rd [ReportDataSize]byte
	f.Add(MarshalSimulatedReport(m, rd))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseSimulatedReport(data)
		if err == nil && string(MarshalSimulatedReport(r.Measurement, r.ReportData)) != string(data) {
			t.Fatal("simulated report does not round-trip")
		}
	})
}

func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("version: 1\nkinds: [tdx]\ntdx:\n  measurements:\n    - mrtd: \"" + string(make([]byte, 0)) + "\"\n"))
	f.Add([]byte(`{"version":1,"kinds":["simulated"],"simulated":{"any_measurement":true},"max_age":"1m"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParsePolicy(data)
	})
}
