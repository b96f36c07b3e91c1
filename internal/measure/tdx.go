package measure

import (
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// AuthenticodeSHA384 is the PE/COFF image hash as edk2 computes it before
// starting an EFI application (SecurityPkg MeasurePeImageAndExtend, after the
// Authenticode specification): the headers without the CheckSum field and
// the Certificate Table directory entry, then each section's raw data in file
// order, then any data after the last section that is not the attribute
// certificate table.
func AuthenticodeSHA384(pe []byte) (Digest384, error) {
	h := sha512.New384()
	if err := authenticode(h, pe); err != nil {
		return Digest384{}, err
	}
	var d Digest384
	copy(d[:], h.Sum(nil))
	return d, nil
}

func authenticode(h hash.Hash, pe []byte) error {
	le := binary.LittleEndian
	if len(pe) < 0x40 || string(pe[:2]) != "MZ" {
		return invalidf("pe: no MZ header")
	}
	peOff := int(le.Uint32(pe[0x3c:]))
	if peOff < 0x40 || peOff > len(pe)-24 || string(pe[peOff:peOff+4]) != "PE\x00\x00" {
		return invalidf("pe: no PE signature at %#x", peOff)
	}
	coff := peOff + 4
	nsect := int(le.Uint16(pe[coff+2:]))
	optSize := int(le.Uint16(pe[coff+16:]))
	opt := coff + 20
	if opt+optSize > len(pe) || optSize < 96 {
		return invalidf("pe: optional header of %d bytes does not fit", optSize)
	}
	var dirs, nDirsOff int
	switch magic := le.Uint16(pe[opt:]); magic {
	case 0x10b: // PE32
		dirs, nDirsOff = opt+96, opt+92
	case 0x20b: // PE32+
		dirs, nDirsOff = opt+112, opt+108
	default:
		return invalidf("pe: optional header magic %#x", magic)
	}
	checksum := opt + 64
	headers := int(le.Uint32(pe[opt+60:]))
	nDirs := int(le.Uint32(pe[nDirsOff:]))
	if headers > len(pe) || headers < dirs {
		return invalidf("pe: SizeOfHeaders %d out of range", headers)
	}
	const securityDir = 4
	certDir := dirs + securityDir*8
	var certSize int
	h.Write(pe[:checksum])
	if nDirs > securityDir && certDir+8 <= headers && certDir+8 <= opt+optSize {
		h.Write(pe[checksum+4 : certDir])
		h.Write(pe[certDir+8 : headers])
		certSize = int(le.Uint32(pe[certDir+4:]))
	} else {
		h.Write(pe[checksum+4 : headers])
	}
	sects := opt + optSize
	if sects+40*nsect > len(pe) {
		return invalidf("pe: %d section headers do not fit", nsect)
	}
	type raw struct{ off, size int }
	var raws []raw
	for i := range nsect {
		s := pe[sects+40*i:]
		size, off := int(le.Uint32(s[16:])), int(le.Uint32(s[20:]))
		if size == 0 {
			continue
		}
		if off < 0 || size < 0 || off > len(pe) || size > len(pe)-off {
			return invalidf("pe: section %d data at %#x of %d bytes is outside the %d-byte file", i, off, size, len(pe))
		}
		raws = append(raws, raw{off, size})
	}
	sort.SliceStable(raws, func(i, j int) bool { return raws[i].off < raws[j].off })
	sum := headers
	for _, r := range raws {
		h.Write(pe[r.off : r.off+r.size])
		sum += r.size
	}
	if len(pe) > sum+certSize {
		h.Write(pe[sum : len(pe)-certSize])
	}
	return nil
}

// TDXDirectBoot is a TD booted by TDVF straight into a Linux kernel from
// QEMU's -kernel/-initrd/-append (fw_cfg), with no bootloader.
type TDXDirectBoot struct {
	// Kernel is the bzImage file, Initrd the initrd (empty: none),
	// Cmdline the -append string.
	Kernel  []byte
	Initrd  []byte
	Cmdline string
	// MemoryBytes is the guest RAM size (-m): QEMU writes the initrd's
	// address, which depends on it, into the kernel's setup header.
	MemoryBytes uint64
}

// TDXDirectBootEvents are the digests TDVF and the kernel's EFI stub extend
// into RTMR1 and RTMR2 for a direct boot, in order.
type TDXDirectBootEvents struct {
	RTMR1 []Digest384
	RTMR2 []Digest384
}

// Events lists the RTMR1 and RTMR2 events of a direct boot:
//
//	RTMR1 (PCR 4 and 5): the kernel's Authenticode SHA-384 as loaded (the
//	  bzImage with the setup header QEMU patched, EV_EFI_BOOT_SERVICES_APPLICATION),
//	  "Calling EFI Application from Boot Option" (EV_EFI_ACTION), the
//	  separator (four zero bytes), "Exit Boot Services Invocation" and
//	  "Exit Boot Services Returned with Success" (EV_EFI_ACTION).
//	RTMR2 (PCR 8–15): the kernel's EFI stub measures its load options, the
//	  command line as UTF-16LE with " initrd=initrd" appended when there is
//	  an initrd (edk2's QemuLoadImageLib adds it) and a terminating NUL
//	  (EV_EVENT_TAG), then the initrd's SHA-384 ("Linux initrd", EV_EVENT_TAG).
//
// Each event's digest is SHA-384 of its data.
func (b TDXDirectBoot) Events() (TDXDirectBootEvents, error) {
	if strings.Contains(b.Cmdline, "vga=") {
		// QEMU would also write the video mode into the setup header.
		return TDXDirectBootEvents{}, invalidf("a command line with vga= is not supported (QEMU patches the kernel for it)")
	}
	kernel, err := qemuPatchKernel(b.Kernel, len(b.Initrd), b.MemoryBytes)
	if err != nil {
		return TDXDirectBootEvents{}, err
	}
	kh, err := AuthenticodeSHA384(kernel)
	if err != nil {
		return TDXDirectBootEvents{}, err
	}
	ev := TDXDirectBootEvents{RTMR1: []Digest384{
		kh,
		sha512.Sum384([]byte("Calling EFI Application from Boot Option")),
		sha512.Sum384([]byte{0, 0, 0, 0}),
		sha512.Sum384([]byte("Exit Boot Services Invocation")),
		sha512.Sum384([]byte("Exit Boot Services Returned with Success")),
	}}
	ev.RTMR2 = append(ev.RTMR2, sha512.Sum384(loadOptions(b.Cmdline, len(b.Initrd) > 0)))
	if len(b.Initrd) > 0 {
		ev.RTMR2 = append(ev.RTMR2, sha512.Sum384(b.Initrd))
	}
	return ev, nil
}

// RTMRs replays the direct boot's events into RTMR1 and RTMR2.
func (b TDXDirectBoot) RTMRs() (rtmr1, rtmr2 Digest384, err error) {
	ev, err := b.Events()
	if err != nil {
		return rtmr1, rtmr2, err
	}
	for _, d := range ev.RTMR1 {
		extend(&rtmr1, d)
	}
	for _, d := range ev.RTMR2 {
		extend(&rtmr2, d)
	}
	return rtmr1, rtmr2, nil
}

// loadOptions is the kernel's LoadOptions as edk2 builds them from QEMU's
// command line: UTF-16LE, " initrd=initrd" appended with an initrd, NUL
// terminated.
func loadOptions(cmdline string, initrd bool) []byte {
	if initrd {
		cmdline += " initrd=initrd"
	}
	u := utf16.Encode([]rune(cmdline))
	out := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(out[2*i:], c)
	}
	return out
}

// QEMU's x86 Linux loader constants (hw/i386/x86-common.c, pc_q35.c).
const (
	qemuACPIDataSize = 0x20000 + 0x8000
	qemuInitrdMax    = 0x37ffffff
)

// qemuPatchKernel returns the bzImage as QEMU hands it to the firmware: its
// setup header gets the loader type, the heap end and command-line pointers
// and, with an initrd, the initrd's address and size. Only modern kernels
// (boot protocol ≥ 2.02, loaded high) are supported.
func qemuPatchKernel(kernel []byte, initrdSize int, memBytes uint64) ([]byte, error) {
	le := binary.LittleEndian
	if len(kernel) < 0x1000 || le.Uint32(kernel[0x202:]) != 0x53726448 { // "HdrS"
		return nil, invalidf("kernel is not a bzImage (no HdrS setup header)")
	}
	proto := le.Uint16(kernel[0x206:])
	if proto < 0x202 || kernel[0x211]&0x01 == 0 {
		return nil, invalidf("kernel boot protocol %#x is too old (want ≥ 2.02, loaded high)", proto)
	}
	if memBytes == 0 {
		return nil, invalidf("the TD's memory size is needed: QEMU writes the initrd address it implies into the kernel")
	}
	k := append([]byte(nil), kernel...)
	const realAddr, cmdlineAddr = 0x10000, 0x20000
	k[0x210] = 0xb0 // type_of_loader: QEMU
	k[0x211] |= 0x80
	le.PutUint32(k[0x224:], cmdlineAddr-realAddr-0x200) // heap_end_ptr
	le.PutUint32(k[0x228:], cmdlineAddr)                // cmd_line_ptr
	if initrdSize > 0 {
		max := uint64(qemuInitrdMax)
		switch {
		case proto >= 0x20c && le.Uint16(k[0x236:])&0x40 != 0: // XLF_CAN_BE_LOADED_ABOVE_4G
			max = 0xffffffff
		case proto >= 0x203:
			if m := le.Uint32(k[0x22c:]); m != 0 {
				max = uint64(m)
			}
		}
		lowmem := uint64(0xb0000000)
		if memBytes >= 0xb0000000 {
			lowmem = 0x80000000
		}
		below4g := min(memBytes, lowmem)
		if below4g <= qemuACPIDataSize {
			return nil, invalidf("%d bytes of memory cannot hold an initrd", memBytes)
		}
		if max >= below4g-qemuACPIDataSize {
			max = below4g - qemuACPIDataSize - 1
		}
		if uint64(initrdSize) >= max {
			return nil, invalidf("initrd of %d bytes does not fit below %#x", initrdSize, max)
		}
		le.PutUint32(k[0x218:], uint32((max-uint64(initrdSize))&^4095))
		le.PutUint32(k[0x21c:], uint32(initrdSize))
	}
	return k, nil
}

// ParseMemorySize parses a QEMU-style memory size (-m): bytes, or a number
// with K, M, G or T (binary units).
func ParseMemorySize(s string) (uint64, error) {
	mult, n := uint64(1), s
	switch u := strings.ToUpper(s); {
	case strings.HasSuffix(u, "K"):
		mult, n = 1<<10, s[:len(s)-1]
	case strings.HasSuffix(u, "M"):
		mult, n = 1<<20, s[:len(s)-1]
	case strings.HasSuffix(u, "G"):
		mult, n = 1<<30, s[:len(s)-1]
	case strings.HasSuffix(u, "T"):
		mult, n = 1<<40, s[:len(s)-1]
	}
	v, err := strconv.ParseUint(n, 10, 64)
	if err != nil || v == 0 || v > (1<<50)/mult {
		return 0, invalidf("memory size %q: want a size such as 2G or 2048M", s)
	}
	return v * mult, nil
}
