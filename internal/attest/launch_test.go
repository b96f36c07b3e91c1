package attest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	spb "github.com/google/go-sev-guest/proto/sevsnp"
	tpb "github.com/google/go-tdx-guest/proto/tdx"
	lcrypto "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/trustedpods/tpod/internal/measure"
)

// Release policies (issue 14 point 4) and configuration bound into evidence
// (point 5): every refusal is named here.

// otherLaunch is another image: one byte of the initrd differs.
var otherLaunch = &measure.KernelHashes{Kernel: testLaunch.Kernel, Initrd: sha256.Sum256([]byte("initrD")), Cmdline: testLaunch.Cmdline}

func amdSevFirmware(t testing.TB) SNPFirmware {
	t.Helper()
	b, err := os.ReadFile("../measure/testdata/ovmf_AmdSev_suffix.bin")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := measure.ParseOVMF(b)
	if err != nil {
		t.Fatal(err)
	}
	return SNPFirmware{Name: "AmdSev test fixture", Firmware: *fw}
}

func testPeer(t testing.TB) peer.ID {
	t.Helper()
	sk, _, err := lcrypto.GenerateEd25519Key(nil)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(sk)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// releaseLike is a release policy for testLaunch: every kind, the image,
// SEV-SNP shapes, TDX direct boot, and the runtime required.
func releaseLike(t testing.TB) *Policy {
	return &Policy{
		Version: PolicyVersion, Release: "0.1.0",
		Kinds:  []Kind{KindSEVSNP, KindTDX, KindSimulated},
		MaxAge: Duration(10 * time.Minute),
		Image:  testLaunch,
		SEVSNP: &SNPPolicy{
			Shapes: []SNPShape{{VCPUs: []int{1, 4}, VCPUType: "EPYC-v4"}, {VCPUs: []int{2}, VCPUType: "EPYC-Milan", VMM: measure.VMMQEMU, GuestFeatures: 0x21}},
			MinTCB: &SNPTCB{},
		},
		TDX: &TDXPolicy{
			DirectBoot:   []TDXDirectBoot{{Memory: "4G", RTMR1: bytes.Repeat([]byte{1}, 48), RTMR2: bytes.Repeat([]byte{2}, 48)}},
			MinTEETCBSVN: []byte{3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		},
		Simulated: &SimulatedPolicy{},
		Config:    map[string]ConfigValues{"runtime.kind": {"containerd"}},
	}
}

func TestReleasePolicyRoundTrip(t *testing.T) {
	p := releaseLike(t)
	p.SEVSNP.Firmware = []SNPFirmware{amdSevFirmware(t)}
	p.TDX.Firmware = []TDXFirmware{{Name: "TDVF x", MRTD: tdxMRTD, RTMR0: tdxRTMR0}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePolicy(js)
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	js2, _ := json.Marshal(back)
	if !bytes.Equal(js, js2) {
		t.Fatalf("round trip differs:\n%s\n%s", js, js2)
	}
	if back.SEVSNP.Shapes[1].GuestFeatures != 0x21 || !strings.Contains(string(js), `"guest_features":"0x21"`) {
		t.Fatalf("guest features: %s", js)
	}
	// YAML with a number for guest features and one config value or a list.
	y := "version: 2\nkinds: [simulated]\nimage: {kernel_sha256: " + testLaunch.Kernel.String() + ", initrd_sha256: " + testLaunch.Initrd.String() +
		", cmdline_sha256: " + testLaunch.Cmdline.String() + "}\nsimulated: {}\nconfig: {runtime.kind: containerd, runtime.sandbox: [gvisor, runc], runtime.pod_to_host: false}\n"
	yp, err := ParsePolicy([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if got := yp.Config["runtime.sandbox"]; len(got) != 2 || yp.Config["runtime.pod_to_host"][0] != "false" {
		t.Fatalf("config %v", yp.Config)
	}
}

func TestReleasePolicyRefusedAtLoad(t *testing.T) {
	im := "image: {kernel_sha256: " + testLaunch.Kernel.String() + ", initrd_sha256: " + testLaunch.Initrd.String() + ", cmdline_sha256: " + testLaunch.Cmdline.String() + "}\n"
	m48 := strings.Repeat("ab", 48)
	fwJSON, _ := json.Marshal(amdSevFirmware(t))
	x64, err := os.ReadFile("../measure/testdata/ovmf_OvmfX64_suffix.bin")
	if err != nil {
		t.Fatal(err)
	}
	x64fw, err := measure.ParseOVMF(x64)
	if err != nil {
		t.Fatal(err)
	}
	x64JSON, _ := json.Marshal(SNPFirmware{Firmware: *x64fw})
	snp := func(body string) string {
		return "version: 2\nkinds: [sev-snp]\n" + im + "sev_snp: {min_tcb: {}, " + body + "}\n"
	}
	tdx := func(body string) string { return "version: 2\nkinds: [tdx]\ntdx: {" + body + "}\n" }
	bad := map[string]struct{ doc, field string }{
		"v1 with image":        {"version: 1\nkinds: [simulated]\n" + im + "simulated: {}\n", "version: 1 has no release, image"},
		"image without kernel": {"version: 2\nkinds: [simulated]\nimage: {initrd_sha256: " + testLaunch.Initrd.String() + ", cmdline_sha256: " + testLaunch.Cmdline.String() + "}\nsimulated: {}\n", "image.kernel_sha256: missing"},
		"release not version":  {"version: 2\nrelease: \"a b\"\nkinds: [simulated]\nsimulated: {any_measurement: true}\n", "release"},
		"shapes without image": {"version: 2\nkinds: [sev-snp]\nsev_snp: {min_tcb: {}, shapes: [{vcpus: [1], vcpu_type: EPYC-v4}]}\n", "sev_snp.shapes: set, but the policy has no image"},
		"firmware no shapes":   {snp("measurements: [\"" + m48 + "\"], firmware: [" + string(fwJSON) + "]"), "sev_snp.firmware: set, but there are no shapes"},
		"no vcpus":             {snp("shapes: [{vcpus: [], vcpu_type: EPYC-v4}]"), "sev_snp.shapes[0].vcpus: empty"},
		"too many vcpus":       {snp("shapes: [{vcpus: [513], vcpu_type: EPYC-v4}]"), "sev_snp.shapes[0].vcpus: 513"},
		"vcpu type":            {snp("shapes: [{vcpus: [1], vcpu_type: Xeon}]"), "sev_snp.shapes[0].vcpu_type"},
		"vmm":                  {snp("shapes: [{vcpus: [1], vcpu_type: EPYC-v4, vmm: xen}]"), "sev_snp.shapes[0].vmm"},
		"features bit 0":       {snp("shapes: [{vcpus: [1], vcpu_type: EPYC-v4, guest_features: 0x20}]"), "sev_snp.shapes[0].guest_features"},
		"firmware can't hash":  {snp("shapes: [{vcpus: [1], vcpu_type: EPYC-v4}], firmware: [" + string(x64JSON) + "]"), "sev_snp.firmware[0]: invalid: the firmware has no SNP_KERNEL_HASHES"},
		"snp nothing":          {"version: 2\nkinds: [sev-snp]\n" + im + "sev_snp: {min_tcb: {}}\n", "sev_snp.measurements: empty"},
		"snp image no min_tcb": {"version: 2\nkinds: [sev-snp]\n" + im + "sev_snp: {shapes: [{vcpus: [1], vcpu_type: EPYC-v4}]}\n", "sev_snp.min_tcb: missing"},
		"tdx fw no boot":       {tdx("measurements: [{mrtd: " + m48 + ", rtmr0: " + m48 + ", rtmr1: " + m48 + ", rtmr2: " + m48 + "}], firmware: [{mrtd: " + m48 + ", rtmr0: " + m48 + "}]"), "tdx.firmware: set, but there is no direct_boot"},
		"tdx fw mrtd only":     {tdx("direct_boot: [{rtmr1: " + m48 + ", rtmr2: " + m48 + "}], firmware: [{mrtd: " + m48 + "}]"), "tdx.firmware[0].rtmr0: 0 bytes"},
		"tdx boot short":       {tdx("direct_boot: [{rtmr1: " + m48 + ", rtmr2: abcd}]"), "tdx.direct_boot[0].rtmr2: 2 bytes"},
		"config path":          {"version: 2\nkinds: [simulated]\nsimulated: {any_measurement: true}\nconfig: {Runtime..kind: containerd}\n", "config.Runtime..kind: not a path"},
		"config unknown key":   {"version: 2\nkinds: [simulated]\nsimulated: {any_measurement: true}\nconfig: {runtme.kind: containerd}\n", "config.runtme.kind: the configuration document has no \"runtme\""},
		"config no value":      {"version: 2\nkinds: [simulated]\nsimulated: {any_measurement: true}\nconfig: {runtime.kind: []}\n", "config.runtime.kind: no accepted value"},
	}
	for name, tc := range bad {
		_, err := ParsePolicy([]byte(tc.doc))
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: ParsePolicy = %v, want ErrInvalid naming %q", name, err, tc.field)
		}
	}
	// A release policy without firmware loads: it accepts no SEV-SNP or
	// TDX launch until the publisher names the firmware it trusts.
	if _, err := ParsePolicy([]byte("version: 2\nkinds: [sev-snp, tdx]\n" + im + "sev_snp: {min_tcb: {}, shapes: [{vcpus: [1], vcpu_type: EPYC-v4}]}\n" +
		"tdx: {direct_boot: [{rtmr1: " + m48 + ", rtmr2: " + m48 + "}]}\n")); err != nil {
		t.Fatal(err)
	}
}

func TestSimulatedMeasurementIsTheImage(t *testing.T) {
	// The simulated measurement is SHA-384(domain ‖ the kernel-hashes table).
	want := SimulatedMeasurement(testLaunch)
	if want == SimulatedMeasurement(otherLaunch) || want == ([48]byte{}) || SimulatedMeasurement(nil) != ([48]byte{}) {
		t.Fatal("simulated measurements do not tell images apart")
	}
	k := newTestKeys(t)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true}
	pol := &Policy{Version: PolicyVersion, Kinds: []Kind{KindSimulated}, MaxAge: Duration(time.Minute), Image: testLaunch, Simulated: &SimulatedPolicy{}}
	res := mustPass(t, produce(t, SimulatedQuoter(testLaunch), k, nil), pol, opts)
	if c := res.Check(CheckMeasurement); !strings.Contains(c.Reason, "is the policy's image") || !bytes.Equal(res.Measurement, want[:]) {
		t.Fatalf("measurement check %+v", c)
	}
	// A provider launched with another image: refused, the check says why.
	mustFail(t, produce(t, SimulatedQuoter(otherLaunch), k, nil), pol, opts, CheckMeasurement, "is not the policy's image")
	// Without launch inputs (no image): zeros, named as such.
	mustFail(t, produce(t, SimulatedQuoter(nil), k, nil), pol, opts, CheckMeasurement, "without launch inputs")
	// Still only with the insecure option.
	opts.AllowInsecureSimulated = false
	mustFail(t, produce(t, SimulatedQuoter(testLaunch), k, nil), pol, opts, CheckKind, "refused unless")
}

func TestSNPReleasePolicyComputesDigests(t *testing.T) {
	s := newSNPSigner(t)
	k := newTestKeys(t)
	fw := amdSevFirmware(t)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), SNPRoots: snpTestRoots(s)}
	launched := func(kh *measure.KernelHashes, vcpus int, vcpuType string) *Evidence {
		d, err := measure.SNPDigest(&fw.Firmware, kh, measure.SNPConfig{VCPUs: vcpus, VCPUType: vcpuType, VMM: measure.VMMQEMU, GuestFeatures: 1})
		if err != nil {
			t.Fatal(err)
		}
		return produce(t, &fakeSNP{signer: s, before: func(r *spb.Report) { r.Measurement = d[:] }}, k, nil)
	}
	pol := releaseLike(t)
	pol.Kinds, pol.TDX, pol.Simulated, pol.Config = []Kind{KindSEVSNP}, nil, nil, nil

	// The release policy names no firmware: the image's digests cannot be
	// computed, and the check says what to do.
	mustFail(t, launched(testLaunch, 4, "EPYC-v4"), pol, opts, CheckMeasurement, "names no firmware")

	pol.SEVSNP.Firmware = []SNPFirmware{fw}
	res := mustPass(t, launched(testLaunch, 4, "EPYC-v4"), pol, opts)
	if r := res.Check(CheckMeasurement).Reason; !strings.Contains(r, `firmware "AmdSev test fixture" on 4 × EPYC-v4`) {
		t.Fatalf("reason %q", r)
	}
	// A shape the policy does not list, and another image, are refused.
	mustFail(t, launched(testLaunch, 2, "EPYC-v4"), pol, opts, CheckMeasurement, "is not accepted by the policy (0 listed, 3 computed")
	mustFail(t, launched(otherLaunch, 4, "EPYC-v4"), pol, opts, CheckMeasurement, "is not accepted")
}

func TestTDXReleasePolicyCombinesFirmware(t *testing.T) {
	pki := newTDXPKI(t, testNow.Add(-time.Hour))
	k := newTestKeys(t)
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow.Add(time.Minute)), TDXRoots: pki.roots()}
	r1, r2 := bytes.Repeat([]byte{1}, 48), bytes.Repeat([]byte{2}, 48)
	launched := func(rtmr2 []byte) *Evidence {
		return produce(t, &fakeTDX{pki: pki, before: func(q *tpb.QuoteV4) {
			q.GetTdQuoteBody().Rtmrs = [][]byte{bytes.Clone(tdxRTMR0), bytes.Clone(r1), bytes.Clone(rtmr2), make([]byte, 48)}
		}}, k, nil)
	}
	pol := releaseLike(t)
	pol.Kinds, pol.SEVSNP, pol.Simulated, pol.Config = []Kind{KindTDX}, nil, nil, nil
	mustFail(t, launched(r2), pol, opts, CheckMeasurement, "names no TDVF")
	pol.TDX.Firmware = []TDXFirmware{{Name: "known-good", MRTD: tdxMRTD, RTMR0: tdxRTMR0}}
	res := mustPass(t, launched(r2), pol, opts)
	if r := res.Check(CheckMeasurement).Reason; !strings.Contains(r, "tdx.firmware with the image's direct boot") {
		t.Fatalf("reason %q", r)
	}
	mustFail(t, launched(bytes.Repeat([]byte{3}, 48)), pol, opts, CheckMeasurement, "is not accepted")
}

// produceBound makes simulated evidence committing to a configuration
// document and a peer.
func produceBound(t testing.TB, k testKeys, doc []byte, id peer.ID) *Evidence {
	t.Helper()
	ev, err := Produce(context.Background(), SimulatedQuoter(testLaunch), Request{
		Signer: k.addr, X25519: k.x, Nonce: testNonce, IssuedAt: testNow, Sign: k.sign, Config: doc, PeerID: id,
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ev.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseEvidence(b)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func testConfigDoc(t testing.TB, kind string) []byte {
	t.Helper()
	op := []byte(`{"version":1,"region":"eu-west","walletAddress":"0x00000000000000000000000000000000000000aA","chain":{"rpc":"http://10.0.2.100:8545?a=1&b=<2>"}}`)
	h := sha256.Sum256(op)
	doc, err := (&ConfigDocument{Version: 1, TEE: KindSimulated, Runtime: RuntimeSettings{Kind: kind, Sandbox: "runc", Containerd: "private"},
		Operator: op, OperatorSHA256: h[:]}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, op) {
		t.Fatalf("the operator part lost its bytes: %s", doc)
	}
	return doc
}

func TestConfigBoundIntoEvidence(t *testing.T) {
	k := newTestKeys(t)
	id := testPeer(t)
	doc := testConfigDoc(t, "containerd")
	pol := &Policy{Version: PolicyVersion, Kinds: []Kind{KindSimulated}, MaxAge: Duration(time.Minute), Image: testLaunch, Simulated: &SimulatedPolicy{},
		Config: map[string]ConfigValues{"runtime.kind": {"containerd"}, "operator.region": {"eu-west", "eu-north"}}}
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true, PeerID: id}

	ev := produceBound(t, k, doc, id)
	res := mustPass(t, ev, pol, opts)
	if !bytes.Equal(res.Config, doc) || res.Version != 2 || res.PeerID != id.String() {
		t.Fatalf("result %+v", res)
	}
	found := false
	for _, e := range res.ConfigEntries {
		found = found || (e.Path == "operator.chain.rpc" && e.Value == "http://10.0.2.100:8545?a=1&b=<2>")
	}
	if !found {
		t.Fatalf("entries %+v", res.ConfigEntries)
	}

	// A configuration document that is not the one the statement commits
	// to (the host swapped it): refused by the config check.
	swapped := produceBound(t, k, doc, id)
	swapped.Config = testConfigDoc(t, "kubernetes")
	mustFail(t, swapped, pol, opts, CheckConfig, "but the statement commits to")
	// The hash swapped too: the statement no longer verifies.
	h := sha256.Sum256(swapped.Config)
	swapped.ConfigSHA256 = h[:]
	mustFail(t, swapped, pol, opts, CheckStatement, "not by the attested signer")

	// A committed value the policy does not accept.
	mustFail(t, produceBound(t, k, testConfigDoc(t, "kubernetes"), id), pol, opts, CheckConfig, `runtime.kind is "kubernetes", the policy requires containerd`)
	// A required value that is absent.
	p2 := *pol
	p2.Config = map[string]ConfigValues{"runtime.runtime_class": {"gvisor"}}
	mustFail(t, ev, &p2, opts, CheckConfig, "runtime.runtime_class is not set")
	// No configuration at all while the policy requires values.
	mustFail(t, produceBound(t, k, nil, id), pol, opts, CheckConfig, "commits to no configuration")
	// The operator part must be what operator_sha256 names.
	var m map[string]json.RawMessage
	json.Unmarshal(doc, &m)
	m["operator_sha256"], _ = json.Marshal(strings.Repeat("00", 32))
	forged, _ := json.Marshal(m)
	mustFail(t, produceBound(t, k, forged, id), pol, opts, CheckConfig, "the operator part hashes to")
	// Not a configuration document.
	mustFail(t, produceBound(t, k, []byte(`["x"]`), id), pol, opts, CheckConfig, "not a JSON object")
	mustFail(t, produceBound(t, k, []byte(`{"version":7}`), id), pol, opts, CheckConfig, "version 7 is not supported")
}

func TestPeerBoundIntoEvidence(t *testing.T) {
	k := newTestKeys(t)
	id, other := testPeer(t), testPeer(t)
	pol := &Policy{Version: PolicyVersion, Kinds: []Kind{KindSimulated}, MaxAge: Duration(time.Minute), Image: testLaunch, Simulated: &SimulatedPolicy{}}
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true, PeerID: id}
	ev := produceBound(t, k, nil, id)
	if r := mustPass(t, ev, pol, opts).Check(CheckPeer).Reason; !strings.Contains(r, "the one it came from") {
		t.Fatalf("peer reason %q", r)
	}
	// Evidence of the enclave behind peer id, relayed by another peer (a
	// man in the middle answering the publisher's attest request with a
	// real enclave's answer to the same nonce): refused.
	relayed := opts
	relayed.PeerID = other
	mustFail(t, ev, pol, relayed, CheckPeer, "another enclave's evidence relayed")
	// Evidence that names no peer, where one is expected.
	mustFail(t, produceBound(t, k, nil, ""), pol, opts, CheckPeer, "names no peer")
	// The peer ID is signed: changing it breaks the statement.
	ev.PeerID = other
	mustFail(t, ev, pol, relayed, CheckStatement, "not by the attested signer")
	// Without a connection (a file), any or no peer passes the peer check.
	mustPass(t, produceBound(t, k, nil, id), pol, VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true})
}

// TestEvidenceVersion1 checks that version-1 evidence (no configuration, no
// peer ID) still verifies where neither is expected, and is refused where
// one is.
func TestEvidenceVersion1(t *testing.T) {
	k := newTestKeys(t)
	ev := produceBound(t, k, nil, "")
	ev.Version = 1
	sig, err := k.sign(ev.StatementDigest())
	if err != nil {
		t.Fatal(err)
	}
	ev.Statement = sig
	b, err := ev.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"version": 1`)) {
		t.Fatalf("not version 1: %s", b)
	}
	v1, err := ParseEvidence(b)
	if err != nil {
		t.Fatal(err)
	}
	pol := &Policy{Version: PolicyVersion, Kinds: []Kind{KindSimulated}, MaxAge: Duration(time.Minute), Image: testLaunch, Simulated: &SimulatedPolicy{}}
	opts := VerifyOptions{Nonce: testNonce, Now: at(testNow), AllowInsecureSimulated: true}
	mustPass(t, v1, pol, opts)
	withPeer := opts
	withPeer.PeerID = testPeer(t)
	mustFail(t, v1, pol, withPeer, CheckPeer, "(version 1) names no peer")
	pol.Config = map[string]ConfigValues{"runtime.kind": {"containerd"}}
	mustFail(t, v1, pol, opts, CheckConfig, "(version 1) commits to no configuration")

	// Version 1 cannot carry version 2's fields.
	var m map[string]any
	json.Unmarshal(b, &m)
	m["peer_id"] = testPeer(t).String()
	bad, _ := json.Marshal(m)
	if _, err := ParseEvidence(bad); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "version 1 has no") {
		t.Fatalf("v1 with peer_id: %v", err)
	}
}

func TestEvidenceV2Strictness(t *testing.T) {
	k := newTestKeys(t)
	ev := produceBound(t, k, testConfigDoc(t, "containerd"), testPeer(t))
	b, _ := ev.Marshal()
	edit := jsonEditor(t, b)
	bad := map[string][]byte{
		"peer not canonical": edit(func(c map[string]any) { c["peer_id"] = "z" + c["peer_id"].(string) }),
		"peer garbage":       edit(func(c map[string]any) { c["peer_id"] = "not-a-peer" }),
		"config sha size":    edit(func(c map[string]any) { c["config_sha256"] = "0011" }),
		"config without sha": edit(func(c map[string]any) { delete(c, "config_sha256") }),
		"config too large":   edit(func(c map[string]any) { c["config"] = make([]byte, MaxConfigSize+1) }),
	}
	for name, data := range bad {
		if _, err := ParseEvidence(data); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: ParseEvidence = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := (&ConfigDocument{Version: 1, Operator: []byte(`{"a": 1}`)}).Marshal(); err == nil {
		t.Error("a non-compact operator part was accepted")
	}
}
