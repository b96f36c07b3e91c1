package measure

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Page types of SNP_LAUNCH_UPDATE (SNP firmware ABI, PAGE_INFO.PAGE_TYPE).
const (
	pageNormal  = 0x01
	pageVMSA    = 0x02
	pageZero    = 0x03
	pageSecrets = 0x05
	pageCPUID   = 0x06
)

// vmsaGPA is the GPA the firmware records for a VMSA page: (u64)-1, page
// aligned, bits above 51 cleared.
const vmsaGPA = 0xFFFFFFFFF000

// launchDigest is the running SEV-SNP launch digest (the guest context's
// LD): each SNP_LAUNCH_UPDATE page extends it with
//
//	LD = SHA-384(PAGE_INFO), PAGE_INFO = LD (48) ‖ CONTENTS (48) ‖ LENGTH=0x70 (u16)
//	     ‖ PAGE_TYPE (u8) ‖ IMI_PAGE=0 (u8) ‖ VMPL3/2/1_PERMS=0 (3 × u8) ‖ 0 (u8) ‖ GPA (u64)
//
// CONTENTS is the SHA-384 of the page for normal and VMSA pages, zeros for
// the others.
type launchDigest struct{ d Digest384 }

func (ld *launchDigest) update(pageType byte, gpa uint64, contents Digest384) {
	var info [0x70]byte
	copy(info[0:], ld.d[:])
	copy(info[48:], contents[:])
	binary.LittleEndian.PutUint16(info[96:], 0x70)
	info[98] = pageType
	binary.LittleEndian.PutUint64(info[104:], gpa)
	ld.d = sha512.Sum384(info[:])
}

func (ld *launchDigest) normalPages(gpa uint64, data []byte) {
	for off := 0; off < len(data); off += PageSize {
		ld.update(pageNormal, gpa+uint64(off), sha512.Sum384(data[off:off+PageSize]))
	}
}

func (ld *launchDigest) zeroPages(pageType byte, gpa uint64, size uint32) {
	for off := uint64(0); off < uint64(size); off += PageSize {
		ld.update(pageType, gpa+off, Digest384{})
	}
}

// KernelHashes are the SHA-256 digests QEMU gives OVMF for measured direct
// boot (sev_add_kernel_loader_hashes, kernel-hashes=on): the kernel file as
// it is on disk, the initrd (empty when there is none), and the command line
// with its terminating NUL.
type KernelHashes struct {
	Kernel  Digest256 `json:"kernel_sha256"`
	Initrd  Digest256 `json:"initrd_sha256"`
	Cmdline Digest256 `json:"cmdline_sha256"`
}

// CmdlineSHA256 hashes a kernel command line as QEMU does: its bytes and a
// terminating NUL.
func CmdlineSHA256(cmdline string) Digest256 {
	return sha256.Sum256(append([]byte(cmdline), 0))
}

// HashKernel reads the kernel and initrd (nil: none) and hashes them with
// the command line.
func HashKernel(kernel, initrd io.Reader, cmdline string) (KernelHashes, error) {
	var kh KernelHashes
	h := sha256.New()
	if _, err := io.Copy(h, kernel); err != nil {
		return kh, fmt.Errorf("hash kernel: %w", err)
	}
	copy(kh.Kernel[:], h.Sum(nil))
	h.Reset()
	if initrd != nil {
		if _, err := io.Copy(h, initrd); err != nil {
			return kh, fmt.Errorf("hash initrd: %w", err)
		}
	}
	copy(kh.Initrd[:], h.Sum(nil))
	kh.Cmdline = CmdlineSHA256(cmdline)
	return kh, nil
}

// GUIDs of the SEV hashes table (QEMU target/i386/sev.c).
var (
	sevHashTableHeaderGUID = guidLE("9438d606-4f22-4cc9-b479-a793d411fd21")
	sevKernelEntryGUID     = guidLE("4de79437-abd2-427f-b835-d5b172d2045b")
	sevInitrdEntryGUID     = guidLE("44baf731-3a2f-4bd7-9af1-41e29169781d")
	sevCmdlineEntryGUID    = guidLE("97d02dd8-bd20-4c94-aa78-e7714d36ab2a")
)

// Table returns the SEV hashes table exactly as QEMU writes it: a header
// {GUID, u16 length} and three entries {GUID, u16 length=50, SHA-256} for
// the command line, the initrd and the kernel, zero-padded to 16 bytes. The
// length field counts the unpadded 168 bytes.
func (k KernelHashes) Table() []byte {
	const entry = 16 + 2 + 32
	const n = 16 + 2 + 3*entry
	t := make([]byte, (n+15)&^15)
	copy(t, sevHashTableHeaderGUID[:])
	binary.LittleEndian.PutUint16(t[16:], n)
	off := 18
	for _, e := range []struct {
		guid [16]byte
		hash Digest256
	}{{sevCmdlineEntryGUID, k.Cmdline}, {sevInitrdEntryGUID, k.Initrd}, {sevKernelEntryGUID, k.Kernel}} {
		copy(t[off:], e.guid[:])
		binary.LittleEndian.PutUint16(t[off+16:], entry)
		copy(t[off+18:], e.hash[:])
		off += entry
	}
	return t
}

// page returns the guest page holding the table at offset.
func (k KernelHashes) page(offset uint32) []byte {
	p := make([]byte, PageSize)
	copy(p[offset:], k.Table())
	return p
}

// VMM is the hypervisor whose initial vCPU state (VMSA) is assumed.
type VMM string

// The VMM types sev-snp-measure knows.
const (
	VMMQEMU VMM = "qemu"
	VMMEC2  VMM = "ec2"
	VMMGCE  VMM = "gce"
)

// ParseVMM parses a VMM type name.
func ParseVMM(s string) (VMM, error) {
	switch v := VMM(strings.ToLower(s)); v {
	case VMMQEMU, VMMEC2, VMMGCE:
		return v, nil
	}
	return "", invalidf("unknown VMM type %q (want qemu, ec2 or gce)", s)
}

// cpuSig is the CPUID Fn0000_0001_EAX signature of a family, model and
// stepping (AMD CPUID specification #25481).
func cpuSig(family, model, stepping uint32) uint32 {
	famLo, famHi := family, uint32(0)
	if family > 0xf {
		famLo, famHi = 0xf, (family-0xf)&0xff
	}
	return famHi<<20 | (model>>4&0xf)<<16 | famLo<<8 | (model&0xf)<<4 | stepping&0xf
}

// vcpuSigs maps QEMU's AMD EPYC CPU model names to their signatures; QEMU
// passes the signature to the guest in RDX at reset, so it is measured.
var vcpuSigs = map[string]uint32{
	"EPYC": cpuSig(23, 1, 2), "EPYC-v1": cpuSig(23, 1, 2), "EPYC-v2": cpuSig(23, 1, 2),
	"EPYC-IBPB": cpuSig(23, 1, 2), "EPYC-v3": cpuSig(23, 1, 2), "EPYC-v4": cpuSig(23, 1, 2),
	"EPYC-Rome": cpuSig(23, 49, 0), "EPYC-Rome-v1": cpuSig(23, 49, 0), "EPYC-Rome-v2": cpuSig(23, 49, 0),
	"EPYC-Rome-v3": cpuSig(23, 49, 0),
	"EPYC-Milan":   cpuSig(25, 1, 1), "EPYC-Milan-v1": cpuSig(25, 1, 1), "EPYC-Milan-v2": cpuSig(25, 1, 1),
	"EPYC-Genoa": cpuSig(25, 17, 0), "EPYC-Genoa-v1": cpuSig(25, 17, 0),
	"EPYC-Turin": cpuSig(26, 0, 0),
}

// VCPUSignature returns the CPUID signature of a QEMU vCPU type name.
func VCPUSignature(name string) (uint32, error) {
	if s, ok := vcpuSigs[name]; ok {
		return s, nil
	}
	return 0, invalidf("unknown vCPU type %q (known: %s)", name, strings.Join(VCPUTypes(), ", "))
}

// VCPUTypes lists the known vCPU type names.
func VCPUTypes() []string {
	names := make([]string, 0, len(vcpuSigs))
	for n := range vcpuSigs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Guest features (SEV_FEATURES in each VMSA).
const (
	// FeatureSNPActive is bit 0, set for every SEV-SNP guest.
	FeatureSNPActive uint64 = 0x1
	// DefaultGuestFeatures is what sev-snp-measure assumes.
	DefaultGuestFeatures = FeatureSNPActive
)

// ParseGuestFeatures parses a SEV_FEATURES value (0x-prefixed hex or
// decimal). SNP-active (bit 0) must be set.
func ParseGuestFeatures(s string) (uint64, error) {
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, invalidf("guest features %q: %v", s, err)
	}
	if v&FeatureSNPActive == 0 {
		return 0, invalidf("guest features %#x lack bit 0 (SNP active)", v)
	}
	return v, nil
}

// SNPConfig is the VM shape the digest depends on.
type SNPConfig struct {
	// VCPUs is the number of vCPUs (one VMSA page each).
	VCPUs int `json:"vcpus"`
	// VCPUType is QEMU's name of the vCPU model, e.g. EPYC-v4, EPYC-Milan.
	VCPUType string `json:"vcpu_type"`
	// VMM is the hypervisor whose initial register state is assumed.
	VMM VMM `json:"vmm"`
	// GuestFeatures is SEV_FEATURES (bit 0, SNP active, is required).
	GuestFeatures uint64 `json:"guest_features"`
}

// MaxVCPUs bounds the vCPU count (KVM's limit is in this range).
const MaxVCPUs = 512

// vmsa offsets (AMD APM vol. 2, table B-4, "VMSA layout"; Linux struct
// sev_es_save_area).
const (
	vmsaES, vmsaCS, vmsaSS, vmsaDS, vmsaFS, vmsaGS = 0x00, 0x10, 0x20, 0x30, 0x40, 0x50
	vmsaGDTR, vmsaLDTR, vmsaIDTR, vmsaTR           = 0x60, 0x70, 0x80, 0x90
	vmsaEFER                                       = 0xD0
	vmsaCR4, vmsaCR0, vmsaDR7, vmsaDR6             = 0x148, 0x158, 0x160, 0x168
	vmsaRFLAGS, vmsaRIP                            = 0x170, 0x178
	vmsaGPAT                                       = 0x268
	vmsaRDX                                        = 0x310
	vmsaSEVFeatures                                = 0x3B0
	vmsaXCR0                                       = 0x3E8
	vmsaMXCSR, vmsaX87FCW                          = 0x408, 0x410
)

// bspEIP is where the boot processor starts: the reset vector.
const bspEIP = 0xFFFFFFF0

// vmsaPage builds the initial VMSA of a vCPU starting at eip, as the VMM
// sets it: real mode at the reset vector (CS base from eip's high half),
// KVM's EFER.SVME and CR4.MCE, and the VMM's own differences.
func vmsaPage(eip uint32, sig uint32, vmm VMM, features uint64) []byte {
	p := make([]byte, PageSize)
	le := binary.LittleEndian
	seg := func(off int, sel, attr uint16, limit uint32, base uint64) {
		le.PutUint16(p[off:], sel)
		le.PutUint16(p[off+2:], attr)
		le.PutUint32(p[off+4:], limit)
		le.PutUint64(p[off+8:], base)
	}
	csAttr, ssAttr, trAttr := uint16(0x9b), uint16(0x93), uint16(0x8b)
	rdx, mxcsr, fcw, gpat := uint64(sig), uint32(0x1f80), uint16(0x37f), uint64(0x0007040600070406)
	switch vmm {
	case VMMEC2:
		if eip == bspEIP {
			csAttr = 0x9a
		}
		ssAttr, trAttr = 0x92, 0x83
		rdx, mxcsr, fcw = 0x600, 0, 0
	case VMMGCE:
		rdx, mxcsr, fcw, gpat = 0x600, 0, 0, 0x00070106
	}
	seg(vmsaES, 0, 0x93, 0xffff, 0)
	seg(vmsaCS, 0xf000, csAttr, 0xffff, uint64(eip&0xffff0000))
	seg(vmsaSS, 0, ssAttr, 0xffff, 0)
	seg(vmsaDS, 0, 0x93, 0xffff, 0)
	seg(vmsaFS, 0, 0x93, 0xffff, 0)
	seg(vmsaGS, 0, 0x93, 0xffff, 0)
	seg(vmsaGDTR, 0, 0, 0xffff, 0)
	seg(vmsaLDTR, 0, 0x82, 0xffff, 0)
	seg(vmsaIDTR, 0, 0, 0xffff, 0)
	seg(vmsaTR, 0, trAttr, 0xffff, 0)
	le.PutUint64(p[vmsaEFER:], 0x1000)
	le.PutUint64(p[vmsaCR4:], 0x40)
	le.PutUint64(p[vmsaCR0:], 0x10)
	le.PutUint64(p[vmsaDR7:], 0x400)
	le.PutUint64(p[vmsaDR6:], 0xffff0ff0)
	le.PutUint64(p[vmsaRFLAGS:], 0x2)
	le.PutUint64(p[vmsaRIP:], uint64(eip&0xffff))
	le.PutUint64(p[vmsaGPAT:], gpat)
	le.PutUint64(p[vmsaRDX:], rdx)
	le.PutUint64(p[vmsaSEVFeatures:], features)
	le.PutUint64(p[vmsaXCR0:], 0x1)
	le.PutUint32(p[vmsaMXCSR:], mxcsr)
	le.PutUint16(p[vmsaX87FCW:], fcw)
	return p
}

// SNPDigest computes the SEV-SNP launch digest (the report's MEASUREMENT)
// of a guest booting fw, starting from fw.Hash, so that a firmware known
// only by its descriptor can be measured. kh, when not nil, is measured
// direct boot: its table goes into the firmware's SNP_KERNEL_HASHES page.
//
// After the firmware pages, the VMM adds the SEV metadata sections in order
// (zero pages, the secrets page, the CPUID page, the kernel-hashes page as
// data or zeros when there is no kernel; EC2 adds the CPUID page last), then
// one VMSA page per vCPU: the boot processor's at the reset vector, the
// others at the firmware's SEV-ES reset EIP.
func SNPDigest(fw *Firmware, kh *KernelHashes, cfg SNPConfig) (Digest384, error) {
	sig, err := VCPUSignature(cfg.VCPUType)
	if err != nil {
		return Digest384{}, err
	}
	vmm, err := ParseVMM(string(cfg.VMM))
	if err != nil {
		return Digest384{}, err
	}
	switch {
	case cfg.VCPUs < 1 || cfg.VCPUs > MaxVCPUs:
		return Digest384{}, invalidf("%d vCPUs, want 1..%d", cfg.VCPUs, MaxVCPUs)
	case cfg.GuestFeatures&FeatureSNPActive == 0:
		return Digest384{}, invalidf("guest features %#x lack bit 0 (SNP active)", cfg.GuestFeatures)
	case cfg.VCPUs > 1 && fw.ResetEIP == 0:
		return Digest384{}, invalidf("the firmware has no SEV-ES reset block, so it cannot start %d vCPUs", cfg.VCPUs)
	case kh != nil && !fw.has(SectionSNPKernelHashes):
		return Digest384{}, invalidf("the firmware has no SNP_KERNEL_HASHES section, so a kernel cannot be measured (use an AmdSev OVMF build)")
	}
	ld := launchDigest{d: fw.Hash}
	for _, s := range fw.Sections {
		switch s.Type {
		case SectionSNPSecMem, SectionSVSMCAA:
			ld.zeroPages(pageZero, uint64(s.GPA), s.Size)
		case SectionSNPSecrets:
			ld.update(pageSecrets, uint64(s.GPA), Digest384{})
		case SectionCPUID:
			if vmm != VMMEC2 {
				ld.update(pageCPUID, uint64(s.GPA), Digest384{})
			}
		case SectionSNPKernelHashes:
			if kh == nil {
				ld.zeroPages(pageZero, uint64(s.GPA), s.Size)
				continue
			}
			if s.Size != PageSize {
				return Digest384{}, invalidf("the SNP_KERNEL_HASHES section is %d bytes, want one page", s.Size)
			}
			// QEMU writes the table at the SEV_HASH_TABLE_RV address's
			// offset within the section's page; without that entry the
			// offset is unknown.
			off := fw.HashTableGPA % PageSize
			if fw.HashTableGPA == 0 || int(off)+len(kh.Table()) > PageSize {
				return Digest384{}, invalidf("the firmware has no usable SEV hash table address (%#x)", fw.HashTableGPA)
			}
			ld.normalPages(uint64(s.GPA), kh.page(off))
		default:
			return Digest384{}, invalidf("unknown SEV metadata %v", s.Type)
		}
	}
	if vmm == VMMEC2 {
		for _, s := range fw.Sections {
			if s.Type == SectionCPUID {
				ld.update(pageCPUID, uint64(s.GPA), Digest384{})
			}
		}
	}
	bsp := sha512.Sum384(vmsaPage(bspEIP, sig, vmm, cfg.GuestFeatures))
	var ap Digest384
	if cfg.VCPUs > 1 {
		ap = sha512.Sum384(vmsaPage(fw.ResetEIP, sig, vmm, cfg.GuestFeatures))
	}
	for i := range cfg.VCPUs {
		if i == 0 {
			ld.update(pageVMSA, vmsaGPA, bsp)
		} else {
			ld.update(pageVMSA, vmsaGPA, ap)
		}
	}
	return ld.d, nil
}
