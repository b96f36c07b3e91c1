package release

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/measure/measuretest"
)

func TestBuildFromImage(t *testing.T) {
	dir := measuretest.ImageDir(t, []byte("initrd of the test image"), "console=ttyS0 rdinit=/init")
	p, err := Build(BuildOptions{ImageDir: dir, Release: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	kh, err := measure.HashImage(dir)
	if err != nil {
		t.Fatal(err)
	}
	if *p.Image != kh || p.Release != "1.2.3" || p.Version != attest.PolicyVersion {
		t.Fatalf("policy %+v", p)
	}
	if len(p.TDX.DirectBoot) != 5 || len(p.TDX.DirectBoot[0].RTMR1) != 48 || len(p.SEVSNP.Shapes) != 3 || p.Config["runtime.kind"][0] != "containerd" {
		t.Fatalf("policy %+v", p)
	}
	kernel, initrd, cmdline, _ := measure.ReadImage(dir)
	r1, r2, err := measure.TDXDirectBoot{Kernel: kernel, Initrd: initrd, Cmdline: cmdline, MemoryBytes: 4 << 30}.RTMRs()
	if err != nil {
		t.Fatal(err)
	}
	if d := p.TDX.DirectBoot[1]; d.Memory != "4G" || !bytes.Equal(d.RTMR1, r1[:]) || !bytes.Equal(d.RTMR2, r2[:]) {
		t.Fatalf("direct boot %+v", d)
	}
	// Reproducible: the same inputs give the same bytes.
	a, _ := p.Marshal()
	again, err := Build(BuildOptions{ImageDir: dir, Release: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := again.Marshal()
	if !bytes.Equal(a, b) {
		t.Fatal("two builds differ")
	}
	back, err := attest.ParsePolicy(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(back, dir); err != nil {
		t.Fatalf("the policy does not describe its own image: %v", err)
	}

	// With a firmware the builder trusts.
	fwb, err := os.ReadFile("../measure/testdata/ovmf_AmdSev_suffix.bin")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := measure.ParseOVMF(fwb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(BuildOptions{ImageDir: dir, Release: "1.2.3", SNPFirmware: []attest.SNPFirmware{{Name: "x", Firmware: *fw}}}); err != nil {
		t.Fatal(err)
	}
	x64b, _ := os.ReadFile("../measure/testdata/ovmf_OvmfX64_suffix.bin")
	x64, _ := measure.ParseOVMF(x64b)
	if _, err := Build(BuildOptions{ImageDir: dir, SNPFirmware: []attest.SNPFirmware{{Firmware: *x64}}}); err == nil || !strings.Contains(err.Error(), "sev_snp.firmware[0]") {
		t.Fatalf("a firmware that cannot measure a kernel: %v", err)
	}
}

// TestCheckRefusesAnotherImage: a release policy that does not match the
// image it claims to describe is refused, naming the field.
func TestCheckRefusesAnotherImage(t *testing.T) {
	dir := measuretest.ImageDir(t, []byte("initrd of the test image"), "console=ttyS0")
	p, err := Build(BuildOptions{ImageDir: dir, Release: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field string
		dir         string
		edit        func(*attest.Policy)
	}{
		{"another initrd", "image.initrd_sha256: the policy says", measuretest.ImageDir(t, []byte("initrd of another image"), "console=ttyS0"), nil},
		{"another cmdline", "image.cmdline_sha256", measuretest.ImageDir(t, []byte("initrd of the test image"), "console=ttyS0 debug"), nil},
		{"edited rtmr1", "tdx.direct_boot[2].rtmr1 (memory 8G)", dir, func(p *attest.Policy) { p.TDX.DirectBoot[2].RTMR1[0] ^= 1 }},
		{"edited rtmr2", "tdx.direct_boot[0].rtmr2", dir, func(p *attest.Policy) { p.TDX.DirectBoot[0].RTMR2[47] ^= 1 }},
		{"no image", "names no image", dir, func(p *attest.Policy) { p.Image = nil }},
	} {
		q, _ := Build(BuildOptions{ImageDir: dir, Release: "1.2.3"})
		if tc.edit != nil {
			tc.edit(q)
		}
		err := Check(q, tc.dir)
		if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: Check = %v, want ErrMismatch naming %q", tc.name, err, tc.field)
		}
	}
	if err := Check(p, dir); err != nil {
		t.Fatal(err)
	}
}

func TestTemplateRefusals(t *testing.T) {
	dir := measuretest.ImageDir(t, []byte("i"), "c")
	for name, tc := range map[string]struct{ tpl, want string }{
		"image in template": {"version: 2\nkinds: [simulated]\nsimulated: {}\nimage: {kernel_sha256: \"" + strings.Repeat("11", 32) + "\"}\n", "set by the build"},
		"rtmrs in template": {"version: 2\nkinds: [tdx]\ntdx: {direct_boot: [{memory: 2G, rtmr1: \"" + strings.Repeat("11", 48) + "\"}]}\n", "computed from the image"},
		"bad memory":        {"version: 2\nkinds: [tdx]\ntdx: {direct_boot: [{memory: lots}]}\n", "tdx.direct_boot[0]: invalid: memory size"},
		"unknown field":     {"version: 2\nkinds: [simulated]\nsimulated: {}\nfirmware: []\n", "unknown field"},
	} {
		if _, err := Build(BuildOptions{ImageDir: dir, Template: []byte(tc.tpl)}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func TestEmbedded(t *testing.T) {
	old := embedded
	defer func() { embedded = old }()
	embedded = nil
	if p, err := Embedded("1.2.3"); p != nil || err != nil {
		t.Fatalf("a development build has a release policy: %v %v", p, err)
	}
	dir := measuretest.ImageDir(t, []byte("i"), "c")
	p, err := Build(BuildOptions{ImageDir: dir, Release: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	embedded, _ = p.Marshal()
	if got, err := Embedded("1.2.3"); err != nil || got.Release != "1.2.3" {
		t.Fatalf("Embedded = %v, %v", got, err)
	}
	if _, err := Embedded("1.2.4"); err == nil || !strings.Contains(err.Error(), `describes release "1.2.3", but this tpod is "1.2.4"`) {
		t.Fatalf("another release's policy: %v", err)
	}
}
