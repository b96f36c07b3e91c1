package measure

import (
	"bytes"
	"crypto/rand"
	"os"
	"strings"
	"testing"

	"github.com/trustedpods/tpod/internal/benchdoc"
)

// A firmware of realistic size: the AmdSev fixture's footer and metadata at
// the end of a 4 MiB image (OVMF's size), so 1,024 pages are measured.
func benchFirmware(b *testing.B) []byte {
	suffix := readTestdata(b, "ovmf_AmdSev_suffix.bin")
	img := make([]byte, 4<<20)
	rand.Read(img[:len(img)-len(suffix)])
	copy(img[len(img)-len(suffix):], suffix)
	return img
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// BenchmarkSNPDigest: the whole computation for a release VM shape: parse a
// 4 MiB OVMF (measuring its pages), hash a 12 MiB kernel and a 64 MiB
// initrd, 4 vCPUs.
func BenchmarkSNPDigest(b *testing.B) {
	fwData, kernel, initrd := benchFirmware(b), randomBytes(12<<20), randomBytes(64<<20)
	b.SetBytes(int64(len(fwData) + len(kernel) + len(initrd)))
	for b.Loop() {
		fw, err := ParseOVMF(fwData)
		if err != nil {
			b.Fatal(err)
		}
		kh, _ := HashKernel(bytes.NewReader(kernel), bytes.NewReader(initrd), "console=ttyS0")
		if _, err := SNPDigest(fw, &kh, SNPConfig{VCPUs: 4, VCPUType: "EPYC-Milan", VMM: VMMQEMU, GuestFeatures: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSNPDigestFromDescriptor: a verifier holding the firmware
// descriptor and the image's three SHA-256s (what a release policy carries).
func BenchmarkSNPDigestFromDescriptor(b *testing.B) {
	fw, err := ParseOVMF(benchFirmware(b))
	if err != nil {
		b.Fatal(err)
	}
	kh := KernelHashes{Cmdline: CmdlineSHA256("console=ttyS0")}
	for b.Loop() {
		if _, err := SNPDigest(fw, &kh, SNPConfig{VCPUs: 4, VCPUType: "EPYC-Milan", VMM: VMMQEMU, GuestFeatures: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCCELReplay: parse the real 256 KiB CCEL log area and replay it.
func BenchmarkCCELReplay(b *testing.B) {
	log := readTestdata(b, "ccel_data.dat")
	for b.Loop() {
		events, err := ParseEventLog(log)
		if err != nil {
			b.Fatal(err)
		}
		ReplayRTMRs(events)
	}
}

// BenchmarkTDXDirectBoot: RTMR1/RTMR2 of a 12 MiB kernel and a 64 MiB initrd.
func BenchmarkTDXDirectBoot(b *testing.B) {
	k := testPE(true)
	k = append(k, randomBytes(12<<20-len(k))...)
	boot := TDXDirectBoot{Kernel: k, Initrd: randomBytes(64 << 20), Cmdline: "console=ttyS0", MemoryBytes: 2 << 30}
	for b.Loop() {
		if _, _, err := boot.RTMRs(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMeasureBenchReport runs the benchmarks and, with TPOD_BENCH_WRITE=1,
// rewrites the "## measurements" section of docs/benchmarks.md
// (scripts/bench.sh).
func TestMeasureBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	rows := []benchdoc.Bench{
		{Name: "SEV-SNP digest: parse a 4 MiB OVMF, hash a 12 MiB kernel + 64 MiB initrd, 4 vCPUs", F: BenchmarkSNPDigest},
		{Name: "SEV-SNP digest from a firmware descriptor and the three SHA-256s", F: BenchmarkSNPDigestFromDescriptor},
		{Name: "TDX: parse the real 256 KiB CCEL log and replay RTMR0–3", F: BenchmarkCCELReplay},
		{Name: "TDX: direct-boot RTMR1/RTMR2 of a 12 MiB kernel + 64 MiB initrd", F: BenchmarkTDXDirectBoot},
	}
	var sb strings.Builder
	sb.WriteString(benchdoc.TimeTable("go test -run TestMeasureBenchReport ./internal/measure", rows, t.Logf))
	t.Log("\n" + sb.String())
	if os.Getenv("TPOD_BENCH_WRITE") == "" {
		return
	}
	if err := benchdoc.WriteSection("## measurements", sb.String()); err != nil {
		t.Fatal(err)
	}
}
