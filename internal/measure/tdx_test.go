package measure

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/trustedpods/tpod/internal/measure/measuretest"
)

func testPE(bzImage bool) []byte { return measuretest.PE(bzImage) }

func TestAuthenticodeRanges(t *testing.T) {
	pe := testPE(false)
	got, err := AuthenticodeSHA384(pe)
	if err != nil {
		t.Fatal(err)
	}
	// The Authenticode ranges, written out: headers without CheckSum
	// (0xd8..0xdc) and the certificate directory entry (0x128..0x130), the
	// sections in file order, nothing of the certificate table.
	var want bytes.Buffer
	want.Write(pe[:0xd8])
	want.Write(pe[0xdc:0x128])
	want.Write(pe[0x130:0x200])
	want.Write(pe[0x200:0x600])
	if got != sha512.Sum384(want.Bytes()) {
		t.Fatalf("authenticode %s differs from the written-out ranges", got)
	}
	same := func(name string, edit func([]byte)) {
		b := bytes.Clone(pe)
		edit(b)
		if d, err := AuthenticodeSHA384(b); err != nil || d != got {
			t.Errorf("%s changed the hash (%v)", name, err)
		}
	}
	same("checksum", func(b []byte) { b[0xd8] ^= 1 })
	same("certificate", func(b []byte) { b[0x610] ^= 1 })
	if b := bytes.Clone(pe); func() bool { b[0x300] ^= 1; d, _ := AuthenticodeSHA384(b); return d == got }() {
		t.Error("a section byte did not change the hash")
	}
	for name, b := range map[string][]byte{
		"no MZ": append([]byte("ZM"), pe[2:]...),
		"short": pe[:0x100],
		"section past": func() []byte {
			b := bytes.Clone(pe)
			binary.LittleEndian.PutUint32(b[0x84+20+240+20:], 0x10000)
			return b
		}(),
	} {
		if _, err := AuthenticodeSHA384(b); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestTDXDirectBoot(t *testing.T) {
	boot := TDXDirectBoot{Kernel: testPE(true), Initrd: []byte("initrd contents"), Cmdline: "console=ttyS0", MemoryBytes: 2 << 30}
	ev, err := boot.Events()
	if err != nil {
		t.Fatal(err)
	}
	// QEMU's patches: loader type, heap, command line and initrd placement.
	k, _ := qemuPatchKernel(boot.Kernel, len(boot.Initrd), boot.MemoryBytes)
	le := binary.LittleEndian
	if k[0x210] != 0xb0 || le.Uint32(k[0x228:]) != 0x20000 || le.Uint32(k[0x21c:]) != 15 ||
		le.Uint32(k[0x218:]) != uint32((0x80000000-0x28000-1-15)&^4095) {
		t.Fatalf("setup header not patched as QEMU does: %x", k[0x210:0x230])
	}
	if kh, _ := AuthenticodeSHA384(k); ev.RTMR1[0] != kh {
		t.Fatal("RTMR1 does not start with the patched kernel's Authenticode hash")
	}
	wantCmd := []byte{}
	for _, c := range "console=ttyS0 initrd=initrd" {
		wantCmd = append(wantCmd, byte(c), 0)
	}
	wantCmd = append(wantCmd, 0, 0)
	if ev.RTMR2[0] != sha512.Sum384(wantCmd) || ev.RTMR2[1] != sha512.Sum384(boot.Initrd) || len(ev.RTMR1) != 5 {
		t.Fatal("RTMR2 events differ from the load options and the initrd")
	}
	r1, r2, err := boot.RTMRs()
	if err != nil {
		t.Fatal(err)
	}
	var w1, w2 Digest384
	for _, d := range ev.RTMR1 {
		w1 = Digest384(sha512.Sum384(append(w1[:], d[:]...)))
	}
	for _, d := range ev.RTMR2 {
		w2 = Digest384(sha512.Sum384(append(w2[:], d[:]...)))
	}
	if r1 != w1 || r2 != w2 {
		t.Fatal("RTMRs are not the replay of the events")
	}
	// Memory size moves the initrd, which QEMU writes into the kernel.
	other := boot
	other.MemoryBytes = 1 << 30
	if o1, o2, _ := other.RTMRs(); o1 == r1 || o2 != r2 {
		t.Fatal("memory size should change RTMR1 only")
	}
	for name, b := range map[string]TDXDirectBoot{
		"not a bzImage": {Kernel: testPE(false), MemoryBytes: 1 << 30},
		"no memory":     {Kernel: testPE(true)},
		"vga":           {Kernel: testPE(true), Cmdline: "vga=791", MemoryBytes: 1 << 30},
	} {
		if _, err := b.Events(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzAuthenticode(f *testing.F) {
	f.Add(testPE(false))
	f.Add(testPE(true))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = AuthenticodeSHA384(b) })
}

func FuzzParseOVMF(f *testing.F) {
	f.Add(readTestdata(f, "ovmf_AmdSev_suffix.bin"))
	f.Add(readTestdata(f, "ovmf_OvmfX64_suffix.bin"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fw, err := ParseOVMF(b)
		if err != nil {
			return
		}
		kh := KernelHashes{}
		_, _ = SNPDigest(fw, &kh, SNPConfig{VCPUs: 2, VCPUType: "EPYC-v4", VMM: VMMQEMU, GuestFeatures: 1})
		_, _ = SNPDigest(fw, nil, SNPConfig{VCPUs: 1, VCPUType: "EPYC-v4", VMM: VMMEC2, GuestFeatures: 1})
	})
}
