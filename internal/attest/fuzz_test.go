package attest

import (
	"context"
	"crypto/sha512"
	"encoding/json"
	"testing"
	"time"
)

func sha512Sum(b []byte) []byte { s := sha512.Sum512(b); return s[:] }

func evidenceSeeds(f *testing.F) {
	k := newTestKeys(f)
	for _, q := range []Quoter{SimulatedQuoter(testLaunch), &fakeSNP{signer: newSNPSigner(f)}, &fakeTDX{pki: newTDXPKI(f, testNow.Add(-time.Hour))}} {
		ev := produce(f, q, k, testWorkload)
		b, _ := ev.Marshal()
		f.Add(b)
	}
	// Version 2 with a configuration document and a peer ID.
	b, _ := produceBound(f, k, testConfigDoc(f, "containerd"), testPeer(f)).Marshal()
	f.Add(b)
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
	pol := &Policy{Version: PolicyVersion, Kinds: []Kind{KindSEVSNP, KindTDX, KindSimulated}, MaxAge: Duration(time.Hour),
		Config:    map[string]ConfigValues{"runtime.kind": {"containerd"}},
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
	rel := releaseLike(f)
	rel.SEVSNP.Firmware = []SNPFirmware{amdSevFirmware(f)}
	b, _ := json.Marshal(rel)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParsePolicy(data)
	})
}

// FuzzFlattenConfig feeds configuration documents (evidence carries them
// from the provider) to the parser the verifier runs on them.
func FuzzFlattenConfig(f *testing.F) {
	f.Add(testConfigDoc(f, "containerd"))
	f.Add([]byte(`{"version":1,"a":[[[{"b":null}]]],"c":1e400}`))
	f.Add([]byte(`{"version":1}{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := FlattenConfig(data)
		if err == nil && len(entries) > maxConfigEntries+1 {
			t.Fatalf("%d entries", len(entries))
		}
		_ = checkOperatorHash(data)
	})
}
