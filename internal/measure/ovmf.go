package measure

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// GUIDs of the OVMF reset-vector table entries the SEV-SNP digest needs
// (OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm).
var (
	ovmfTableFooterGUID = guidLE("96b582de-1fb2-45f7-baea-a366c55a082d")
	sevHashTableRVGUID  = guidLE("7255371f-3a3b-4b04-927b-1da6efa8d454")
	sevESResetBlockGUID = guidLE("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
	sevMetadataGUID     = guidLE("dc886566-984a-4798-a75e-5585a7bf67cc")
)

// SectionType is the type of an SEV metadata section
// (OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm).
type SectionType uint32

// The SEV metadata section types.
const (
	SectionSNPSecMem       SectionType = 0x1  // pre-validated zero pages
	SectionSNPSecrets      SectionType = 0x2  // the secrets page
	SectionCPUID           SectionType = 0x3  // the CPUID page
	SectionSVSMCAA         SectionType = 0x4  // the SVSM calling area (zero pages)
	SectionSNPKernelHashes SectionType = 0x10 // the page holding the kernel-hashes table
)

// String is the section type's name in the OVMF sources.
func (t SectionType) String() string {
	switch t {
	case SectionSNPSecMem:
		return "SNP_SEC_MEM"
	case SectionSNPSecrets:
		return "SNP_SECRETS"
	case SectionCPUID:
		return "CPUID"
	case SectionSVSMCAA:
		return "SVSM_CAA"
	case SectionSNPKernelHashes:
		return "SNP_KERNEL_HASHES"
	}
	return fmt.Sprintf("section type %#x", uint32(t))
}

// Section is one SEV metadata section: guest pages the VMM adds to the
// launch digest with a type other than normal data.
type Section struct {
	GPA  uint32      `json:"gpa"`
	Size uint32      `json:"size"`
	Type SectionType `json:"type"`
}

// Firmware is what the SEV-SNP launch digest needs from an OVMF image. It is
// small and serializable: a verifier that trusts a firmware build can keep
// this descriptor (with Hash) instead of the image.
type Firmware struct {
	// Hash is the launch digest after the firmware's own pages were added
	// (sev-snp-measure's --snp-ovmf-hash): every 4 KiB page of the image,
	// mapped to end at 4 GiB, as a normal page.
	Hash Digest384 `json:"hash"`
	// Size is the image size in bytes.
	Size uint32 `json:"size"`
	// Sections are the SEV metadata sections, in the order the VMM adds them.
	Sections []Section `json:"sections"`
	// ResetEIP is where application processors start (the SEV-ES reset
	// block); 0 if the firmware has none, which allows only one vCPU.
	ResetEIP uint32 `json:"reset_eip"`
	// HashTableGPA is where the kernel-hashes table goes (SEV_HASH_TABLE_RV);
	// 0 if the firmware has none.
	HashTableGPA uint32 `json:"hash_table_gpa,omitempty"`
}

// MaxOVMFSize caps a firmware image: it is mapped below 4 GiB, and real ones
// are 2–4 MiB.
const MaxOVMFSize = 64 << 20

// PageSize is the size of a guest page.
const PageSize = 4096

// ParseOVMF reads an OVMF image (untrusted input): its GUIDed footer table,
// the SEV metadata it points to, and the digest of its pages.
func ParseOVMF(data []byte) (*Firmware, error) {
	if len(data) == 0 || len(data)%PageSize != 0 || len(data) > MaxOVMFSize {
		return nil, invalidf("ovmf: image is %d bytes, want a multiple of %d up to %d", len(data), PageSize, MaxOVMFSize)
	}
	table, err := ovmfFooterTable(data)
	if err != nil {
		return nil, err
	}
	fw := &Firmware{Size: uint32(len(data))}
	if e, ok := table[sevESResetBlockGUID]; ok {
		if len(e) < 4 {
			return nil, invalidf("ovmf: SEV-ES reset block entry is %d bytes", len(e))
		}
		fw.ResetEIP = binary.LittleEndian.Uint32(e)
	}
	if e, ok := table[sevHashTableRVGUID]; ok {
		if len(e) < 8 {
			return nil, invalidf("ovmf: SEV hash table entry is %d bytes", len(e))
		}
		fw.HashTableGPA = binary.LittleEndian.Uint32(e)
	}
	if e, ok := table[sevMetadataGUID]; ok {
		if len(e) < 4 {
			return nil, invalidf("ovmf: SEV metadata entry is %d bytes", len(e))
		}
		if fw.Sections, err = ovmfMetadata(data, binary.LittleEndian.Uint32(e)); err != nil {
			return nil, err
		}
	}
	var ld launchDigest
	ld.normalPages(uint64(1<<32-len(data)), data)
	fw.Hash = ld.d
	return fw, nil
}

// ovmfFooterTable reads the GUIDed table that ends 32 bytes before the end of
// the image. It is read backwards: the footer entry (its size covers the
// whole table, then its GUID) comes last, and each entry before it ends with
// its data's size (uint16, including the 18-byte size+GUID trailer) and GUID.
func ovmfFooterTable(data []byte) (map[[16]byte][]byte, error) {
	n := len(data)
	table := map[[16]byte][]byte{}
	if n < 50 || !bytes.Equal(data[n-48:n-32], ovmfTableFooterGUID[:]) {
		return table, nil // not an SEV-capable OVMF: no table
	}
	full := int(binary.LittleEndian.Uint16(data[n-50:]))
	if full < 18 || full > n-32 {
		return nil, invalidf("ovmf: footer table size %d out of range", full)
	}
	t := data[n-32-full : n-50]
	for len(t) > 0 {
		if len(t) < 18 {
			return nil, invalidf("ovmf: %d stray bytes at the start of the footer table", len(t))
		}
		var g [16]byte
		copy(g[:], t[len(t)-16:])
		size := int(binary.LittleEndian.Uint16(t[len(t)-18:]))
		if size < 18 || size > len(t) {
			return nil, invalidf("ovmf: footer table entry %x has size %d, %d bytes left", g, size, len(t))
		}
		if _, dup := table[g]; dup {
			return nil, invalidf("ovmf: footer table has entry %x twice", g)
		}
		table[g] = t[len(t)-size : len(t)-18]
		t = t[:len(t)-size]
	}
	return table, nil
}

// maxSections caps the SEV metadata: OVMF has five or six.
const maxSections = 64

// ovmfMetadata reads the SEV metadata ("ASEV", length, version, count, then
// count × {gpa, size, type} uint32) found offsetFromEnd bytes before the end
// of the image.
func ovmfMetadata(data []byte, offsetFromEnd uint32) ([]Section, error) {
	if offsetFromEnd < 16 || int64(offsetFromEnd) > int64(len(data)) {
		return nil, invalidf("ovmf: SEV metadata offset %d outside the %d-byte image", offsetFromEnd, len(data))
	}
	m := data[len(data)-int(offsetFromEnd):]
	if string(m[:4]) != "ASEV" {
		return nil, invalidf("ovmf: SEV metadata signature is %q, want \"ASEV\"", m[:4])
	}
	length := binary.LittleEndian.Uint32(m[4:])
	count := binary.LittleEndian.Uint32(m[12:])
	if count > maxSections || int64(length) > int64(len(m)) || int64(length) < 16+12*int64(count) {
		return nil, invalidf("ovmf: SEV metadata of %d bytes cannot hold %d sections", length, count)
	}
	secs := make([]Section, count)
	for i := range secs {
		d := m[16+12*i:]
		s := Section{GPA: binary.LittleEndian.Uint32(d), Size: binary.LittleEndian.Uint32(d[4:]), Type: SectionType(binary.LittleEndian.Uint32(d[8:]))}
		if err := s.check(); err != nil {
			return nil, invalidf("ovmf: SEV metadata section %d: %v", i, err)
		}
		secs[i] = s
	}
	return secs, nil
}

func (s Section) check() error {
	switch s.Type {
	case SectionSNPSecMem, SectionSNPSecrets, SectionCPUID, SectionSVSMCAA, SectionSNPKernelHashes:
	default:
		return fmt.Errorf("unknown %v", s.Type)
	}
	if s.GPA%PageSize != 0 || s.Size == 0 || s.Size%PageSize != 0 || uint64(s.GPA)+uint64(s.Size) > 1<<32 {
		return fmt.Errorf("%v section at %#x of %d bytes is not whole pages below 4 GiB", s.Type, s.GPA, s.Size)
	}
	return nil
}

// Validate checks a firmware descriptor that did not come from ParseOVMF (a
// policy file): what ParseOVMF would have checked, and that its sections
// are at most MaxOVMFSize bytes in all, which bounds the work of a digest.
func (f *Firmware) Validate() error {
	if len(f.Sections) > maxSections {
		return invalidf("firmware: %d SEV metadata sections, more than %d", len(f.Sections), maxSections)
	}
	var total uint64
	for i, s := range f.Sections {
		if err := s.check(); err != nil {
			return invalidf("firmware: section %d: %v", i, err)
		}
		total += uint64(s.Size)
	}
	if total > MaxOVMFSize {
		return invalidf("firmware: SEV metadata sections of %d bytes in all, more than %d", total, MaxOVMFSize)
	}
	return nil
}

// has reports whether the firmware has a section of type t.
func (f *Firmware) has(t SectionType) bool {
	for _, s := range f.Sections {
		if s.Type == t {
			return true
		}
	}
	return false
}
