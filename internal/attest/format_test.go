package attest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func simPolicy(t testing.TB) *Policy {
	m := SimulatedMeasurement(testLaunch)
	return &Policy{Version: 1, Kinds: []Kind{KindSimulated}, MaxAge: Duration(time.Minute),
		Simulated: &SimulatedPolicy{Measurements: []HexBytes{m[:]}}}
}

func TestSimulatedNeedsExplicitOption(t *testing.T) {
	k := newTestKeys(t)
	ev := produce(t, SimulatedQuoter(testLaunch), k, nil)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow)}
	mustFail(t, ev, simPolicy(t), opts, CheckKind, "refused unless")

	opts.AllowInsecureSimulated = true
	res := mustPass(t, ev, simPolicy(t), opts)
	if !strings.Contains(res.Check(CheckKind).Reason, "INSECURE") {
		t.Fatalf("simulated acceptance is not loud: %q", res.Check(CheckKind).Reason)
	}
	// A policy that does not list simulated refuses it even with the option.
	mustFail(t, ev, snpPolicy(), opts, CheckKind, "does not accept")

	// Another binary's measurement is refused.
	p := simPolicy(t)
	p.Simulated.Measurements = []HexBytes{bytes.Repeat([]byte{9}, 48)}
	mustFail(t, ev, p, opts, CheckMeasurement, "not accepted")
	p.Simulated = &SimulatedPolicy{AnyMeasurement: true}
	mustPass(t, ev, p, opts)

	// report_data is still checked.
	ev.Report[len(ev.Report)-1] ^= 1
	mustFail(t, ev, simPolicy(t), opts, CheckReportData, "does not bind")
}

func TestEvidenceRoundTripAndStrictness(t *testing.T) {
	k := newTestKeys(t)
	ev := produce(t, SimulatedQuoter(testLaunch), k, testWorkload)
	b, err := ev.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseEvidence(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := back.Marshal()
	if !bytes.Equal(b, b2) {
		t.Fatalf("round trip differs:\n%s\n%s", b, b2)
	}
	edit := jsonEditor(t, b)
	bad := map[string][]byte{
		"unknown field": edit(func(c map[string]any) { c["extra"] = 1 }),
		"version":       edit(func(c map[string]any) { c["version"] = 3 }),
		"format":        edit(func(c map[string]any) { c["format"] = "x" }),
		"kind":          edit(func(c map[string]any) { c["kind"] = "sgx" }),
		"signer":        edit(func(c map[string]any) { c["signer"] = "0x1234" }),
		"x25519 size":   edit(func(c map[string]any) { c["x25519"] = "00" }),
		"empty nonce":   edit(func(c map[string]any) { c["nonce"] = "" }),
		"long nonce":    edit(func(c map[string]any) { c["nonce"] = strings.Repeat("00", 65) }),
		"workload size": edit(func(c map[string]any) { c["workload"] = "0011" }),
		"statement":     edit(func(c map[string]any) { c["statement"] = "00" }),
		"issued_at":     edit(func(c map[string]any) { c["issued_at"] = -1 }),
		"certs on sim":  edit(func(c map[string]any) { c["certs"] = map[string]any{"vcek": "AAAA"} }),
		"trailing":      append(bytes.Clone(b), []byte(" {}")...),
		"too large":     bytes.Repeat([]byte(" "), MaxEvidenceSize+1),
	}
	for name, data := range bad {
		if _, err := ParseEvidence(data); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: ParseEvidence = %v, want ErrInvalid", name, err)
		}
	}
}

func TestPolicyParse(t *testing.T) {
	m48 := func(b string) string { return strings.Repeat(b, 48) }
	good := `
version: 1
kinds: [sev-snp, tdx]
max_age: 5m
workloads: ["` + strings.Repeat("ab", 32) + `"]
sev_snp:
  measurements: ["` + m48("42") + `"]
  min_tcb: {bootloader: 3, tee: 0, snp: 8, microcode: 115}
  min_guest_svn: 1
tdx:
  measurements:
    - mrtd: "` + m48("11") + `"
      rtmr0: "0x` + m48("20") + `"
      rtmr1: "` + m48("21") + `"
      rtmr2: "` + m48("22") + `"
  min_tee_tcb_svn: "` + strings.Repeat("01", 16) + `"
`
	p, err := ParsePolicy([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if time.Duration(p.MaxAge) != 5*time.Minute || p.SEVSNP.MinTCB.Microcode != 115 || len(p.TDX.Measurements[0].RTMR0) != 48 || p.AllowDebug {
		t.Fatalf("parsed %+v", p)
	}
	// JSON is YAML too.
	js, _ := json.Marshal(p)
	if _, err := ParsePolicy(js); err != nil {
		t.Fatalf("JSON form: %v", err)
	}
	if p, err := ParsePolicy([]byte("version: 1\nkinds: [simulated]\nsimulated: {any_measurement: true}\nallow_debug: true\n")); err != nil || !p.AllowDebug {
		t.Fatalf("allow_debug: %v", err)
	}
	snpNoTCB := "version: 1\nkinds: [sev-snp]\nsev_snp: {measurements: [\"" + m48("42") + "\"]}\n"
	tdx := func(rtmrs string) string {
		return "version: 1\nkinds: [tdx]\ntdx:\n  measurements:\n    - {mrtd: \"" + m48("11") + "\"" + rtmrs + "}\n"
	}
	r := func(n int) string { return fmt.Sprintf(", rtmr%d: \"%s\"", n, m48("20")) }
	// Each refusal names the field that is wrong.
	bad := map[string]struct{ doc, field string }{
		"unknown field":     {"version: 1\nkinds: [simulated]\nsimulated: {any_measurement: true}\nallow_everything: true\n", "allow_everything"},
		"no kinds":          {"version: 1\n", "kinds"},
		"version":           {"version: 3\nkinds: [simulated]\nsimulated: {any_measurement: true}\n", "version"},
		"snp no meas":       {"version: 1\nkinds: [sev-snp]\n", "sev_snp.measurements"},
		"snp no min_tcb":    {snpNoTCB, "sev_snp.min_tcb: missing"},
		"tdx no meas":       {"version: 1\nkinds: [tdx]\ntdx: {measurements: []}\n", "tdx.measurements"},
		"tdx mrtd only":     {tdx(""), "tdx.measurements[0].rtmr0: missing"},
		"tdx no rtmr2":      {tdx(r(0) + r(1)), "tdx.measurements[0].rtmr2: missing"},
		"tdx no rtmr1":      {tdx(r(0) + r(2)), "tdx.measurements[0].rtmr1: missing"},
		"tdx short rtmr3":   {tdx(r(0)+r(1)+r(2)) + "", ""},
		"sim no meas":       {"version: 1\nkinds: [simulated]\nsimulated: {}\n", "simulated.measurements"},
		"bad measurement":   {"version: 1\nkinds: [sev-snp]\nsev_snp: {measurements: [\"00\"], min_tcb: {}}\n", "sev_snp.measurements[0]"},
		"bad kind":          {"version: 1\nkinds: [sgx]\n", "kinds"},
		"bad duration":      {"version: 1\nkinds: [simulated]\nsimulated: {any_measurement: true}\nmax_age: soon\n", "max_age"},
		"bad workload size": {"version: 1\nkinds: [simulated]\nsimulated: {any_measurement: true}\nworkloads: [\"00\"]\n", "workloads[0]"},
		"section not kind":  {"version: 1\nkinds: [simulated]\nsimulated: {any_measurement: true}\n" + snpNoTCB[strings.Index(snpNoTCB, "sev_snp"):], "sev_snp: set, but kinds does not list sev-snp"},
	}
	for name, tc := range bad {
		if tc.field == "" {
			if _, err := ParsePolicy([]byte(tc.doc)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		_, err := ParsePolicy([]byte(tc.doc))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: ParsePolicy = %v, want ErrInvalid naming %q", name, err, tc.field)
		}
	}
}

func TestReportDataIsDesignFormula(t *testing.T) {
	k := newTestKeys(t)
	got := ReportData(k.addr, k.x, testNonce)
	// Independent recomputation of SHA-512("tpod/attest/v1" ‖ addr ‖ x25519 ‖ nonce).
	var buf bytes.Buffer
	buf.WriteString("tpod/attest/v1")
	buf.Write(k.addr.Bytes())
	buf.Write(k.x)
	buf.Write(testNonce)
	want := sha512Sum(buf.Bytes())
	if !bytes.Equal(got[:], want) {
		t.Fatalf("report_data %x, want %x", got, want)
	}
}

func TestVerifyNilAndBadPolicy(t *testing.T) {
	if _, err := Verify(context.Background(), nil, nil, VerifyOptions{}); !errors.Is(err, ErrAttestation) {
		t.Fatalf("nil evidence: %v", err)
	}
	k := newTestKeys(t)
	ev := produce(t, SimulatedQuoter(testLaunch), k, nil)
	if _, err := Verify(context.Background(), ev, &Policy{}, VerifyOptions{AllowInsecureSimulated: true}); !errors.Is(err, ErrAttestation) {
		t.Fatalf("empty policy: %v", err)
	}
}

func TestPolicyVerifier(t *testing.T) {
	k := newTestKeys(t)
	ev := produce(t, SimulatedQuoter(testLaunch), k, nil)
	var v Verifier = &PolicyVerifier{Policy: simPolicy(t), Options: VerifyOptions{Now: at(testNow), AllowInsecureSimulated: true}}
	if _, err := v.Verify(context.Background(), ev, testNonce); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), ev, bytes.Repeat([]byte{3}, 32)); !errors.Is(err, ErrAttestation) {
		t.Fatalf("wrong nonce: %v", err)
	}
}
