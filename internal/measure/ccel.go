package measure

import (
	"bytes"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// CCEL is the ACPI "CC Event Log" table (UEFI 2.10 / ACPI 6.5): it tells the
// guest where the firmware's measurement log lives.
type CCEL struct {
	// CCType is the confidential-computing type (2: TDX).
	CCType    uint8
	CCSubtype uint8
	// LogMinLength and LogStart are LAML and LASA: the log area's size and
	// guest-physical address.
	LogMinLength uint64
	LogStart     uint64
}

// CCTypeTDX is CCEL.CCType for Intel TDX.
const CCTypeTDX = 2

// ccelSize is the size of a CCEL table: a 36-byte ACPI header, the CC type
// and subtype, 2 reserved bytes, LAML and LASA.
const ccelSize = 56

// ParseCCELTable parses an ACPI CCEL table (untrusted input), as read from
// /sys/firmware/acpi/tables/CCEL.
func ParseCCELTable(b []byte) (*CCEL, error) {
	if len(b) != ccelSize {
		return nil, invalidf("ccel table is %d bytes, want %d", len(b), ccelSize)
	}
	if string(b[:4]) != "CCEL" {
		return nil, invalidf("ccel table signature is %q, want \"CCEL\"", b[:4])
	}
	if n := binary.LittleEndian.Uint32(b[4:]); n != ccelSize {
		return nil, invalidf("ccel table length field is %d, want %d", n, ccelSize)
	}
	var sum byte
	for _, x := range b {
		sum += x
	}
	if sum != 0 {
		return nil, invalidf("ccel table checksum does not sum to zero")
	}
	return &CCEL{
		CCType: b[36], CCSubtype: b[37],
		LogMinLength: binary.LittleEndian.Uint64(b[40:]),
		LogStart:     binary.LittleEndian.Uint64(b[48:]),
	}, nil
}

// TCG event types seen in a TDVF log (TCG PC Client Platform Firmware
// Profile).
const (
	EvPostCode                 = 0x1
	EvNoAction                 = 0x3
	EvSeparator                = 0x4
	EvAction                   = 0x5
	EvEventTag                 = 0x6
	EvIPL                      = 0xd
	EvPlatformConfigFlags      = 0xa
	EvEFIVariableDriverConfig  = 0x80000001
	EvEFIVariableBoot          = 0x80000002
	EvEFIBootServicesApp       = 0x80000003
	EvEFIGPTEvent              = 0x80000006
	EvEFIAction                = 0x80000007
	EvEFIPlatformFirmwareBlob2 = 0x8000000a
	EvEFIHandoffTables2        = 0x8000000b
	EvEFIVariableAuthority     = 0x800000e0
)

var eventTypeNames = map[uint32]string{
	EvPostCode: "EV_POST_CODE", EvNoAction: "EV_NO_ACTION", EvSeparator: "EV_SEPARATOR", EvAction: "EV_ACTION",
	EvEventTag: "EV_EVENT_TAG", EvIPL: "EV_IPL", EvPlatformConfigFlags: "EV_PLATFORM_CONFIG_FLAGS",
	EvEFIVariableDriverConfig: "EV_EFI_VARIABLE_DRIVER_CONFIG", EvEFIVariableBoot: "EV_EFI_VARIABLE_BOOT",
	EvEFIBootServicesApp: "EV_EFI_BOOT_SERVICES_APPLICATION", EvEFIGPTEvent: "EV_EFI_GPT_EVENT",
	EvEFIAction: "EV_EFI_ACTION", EvEFIPlatformFirmwareBlob2: "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
	EvEFIHandoffTables2: "EV_EFI_HANDOFF_TABLES2", EvEFIVariableAuthority: "EV_EFI_VARIABLE_AUTHORITY",
}

// EventTypeName names a TCG event type.
func EventTypeName(t uint32) string {
	if n, ok := eventTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("0x%x", t)
}

// Event is one measurement of a CC event log.
type Event struct {
	// MRIndex is the CC measurement register: 0 MRTD, 1–4 RTMR0–3.
	MRIndex uint32 `json:"mr_index"`
	Type    uint32 `json:"type"`
	// Digest is the SHA-384 extended into the register.
	Digest Digest384 `json:"digest"`
	// Data is the event data (its description; not what is extended).
	Data []byte `json:"data"`
}

// TPM algorithm IDs.
const (
	algSHA1   = 0x0004
	algSHA256 = 0x000b
	algSHA384 = 0x000c
	algSHA512 = 0x000d
)

var algSizes = map[uint16]int{algSHA1: 20, algSHA256: 32, algSHA384: 48, algSHA512: 64}

// Limits of an event log: TDVF reserves 64 KiB–256 KiB for it.
const (
	MaxEventLogSize = 16 << 20
	maxEventData    = 1 << 20
	maxEvents       = 1 << 16
)

// ParseEventLog parses a CC event log in the TCG crypto-agile format
// (untrusted input): a TCG_PCClientPCREvent header carrying the
// "Spec ID Event03" that lists the digest algorithms, then TCG_PCR_EVENT2
// records. The log area is larger than the log: parsing stops at the first
// record whose MR index is 0xFFFFFFFF or at a run of 0x00 or 0xFF bytes
// (never-written log memory). Every event must carry a SHA-384 digest.
func ParseEventLog(b []byte) ([]Event, error) {
	if len(b) > MaxEventLogSize {
		return nil, invalidf("event log is %d bytes, more than %d", len(b), MaxEventLogSize)
	}
	r := &reader{b: b}
	// The header event: PCR index, type, SHA-1 digest (20), size, data.
	r.u32()
	typ := r.u32()
	r.bytes(20)
	spec := r.bytes(int(r.u32()))
	if r.err != nil {
		return nil, invalidf("event log header: %v", r.err)
	}
	if typ != EvNoAction || !bytes.HasPrefix(spec, []byte("Spec ID Event03\x00")) {
		return nil, invalidf("event log does not start with a crypto-agile Spec ID Event03")
	}
	sizes, err := specIDAlgorithms(spec)
	if err != nil {
		return nil, err
	}
	if _, ok := sizes[algSHA384]; !ok {
		return nil, invalidf("event log has no SHA-384 digests")
	}
	var events []Event
	for r.off < len(b) {
		rest := b[r.off:]
		if len(rest) < 8 || allBytes(rest[:8], 0) || allBytes(rest[:8], 0xff) {
			if !allBytes(rest, rest[0]) {
				return nil, invalidf("event log: data after its end at byte %d", r.off)
			}
			break
		}
		if len(events) == maxEvents {
			return nil, invalidf("event log has more than %d events", maxEvents)
		}
		start := r.off
		ev := Event{MRIndex: r.u32(), Type: r.u32()}
		n := r.u32()
		if r.err == nil && (n == 0 || n > uint32(len(sizes))) {
			return nil, invalidf("event %d at byte %d has %d digests", len(events), start, n)
		}
		found := false
		for i := uint32(0); i < n && r.err == nil; i++ {
			alg := r.u16()
			size, ok := sizes[alg]
			if r.err == nil && !ok {
				return nil, invalidf("event %d at byte %d has a digest of algorithm %#x the header does not list", len(events), start, alg)
			}
			d := r.bytes(size)
			if alg == algSHA384 && r.err == nil {
				copy(ev.Digest[:], d)
				found = true
			}
		}
		size := r.u32()
		if r.err == nil && size > maxEventData {
			return nil, invalidf("event %d at byte %d has %d bytes of data", len(events), start, size)
		}
		ev.Data = bytes.Clone(r.bytes(int(size)))
		if r.err != nil {
			return nil, invalidf("event %d at byte %d: %v", len(events), start, r.err)
		}
		if !found {
			return nil, invalidf("event %d at byte %d has no SHA-384 digest", len(events), start)
		}
		if ev.MRIndex > 4 {
			return nil, invalidf("event %d at byte %d names measurement register %d (want 0..4)", len(events), start, ev.MRIndex)
		}
		events = append(events, ev)
	}
	return events, nil
}

// specIDAlgorithms reads the digest sizes of a TCG_EfiSpecIdEvent.
func specIDAlgorithms(spec []byte) (map[uint16]int, error) {
	r := &reader{b: spec, off: 16}
	r.u32()    // platform class
	r.bytes(4) // spec version minor, major, errata, uintn size
	n := r.u32()
	if r.err != nil || n == 0 || n > 8 {
		return nil, invalidf("event log Spec ID event lists %d algorithms", n)
	}
	sizes := map[uint16]int{}
	for range n {
		alg, size := r.u16(), int(r.u16())
		if want, ok := algSizes[alg]; ok && want != size {
			return nil, invalidf("event log Spec ID event says algorithm %#x digests are %d bytes, want %d", alg, size, want)
		}
		if size == 0 || size > 64 {
			return nil, invalidf("event log Spec ID event: algorithm %#x has %d-byte digests", alg, size)
		}
		sizes[alg] = size
	}
	if r.err != nil {
		return nil, invalidf("event log Spec ID event: %v", r.err)
	}
	return sizes, nil
}

// RTMRs are TDX's four run-time measurement registers.
type RTMRs [4]Digest384

// extend sets mr = SHA-384(mr ‖ digest).
func extend(mr *Digest384, digest Digest384) {
	var b [96]byte
	copy(b[:], mr[:])
	copy(b[48:], digest[:])
	*mr = sha512.Sum384(b[:])
}

// ReplayRTMRs computes RTMR0–3 from an event log: each register starts at
// zero and is extended with the digest of every event naming it (MR index
// i+1). EV_NO_ACTION events and MR index 0 (MRTD, which the TDX module
// measures itself) extend nothing.
func ReplayRTMRs(events []Event) RTMRs {
	var r RTMRs
	for _, e := range events {
		if e.Type == EvNoAction || e.MRIndex == 0 || e.MRIndex > 4 {
			continue
		}
		extend(&r[e.MRIndex-1], e.Digest)
	}
	return r
}

// Describe returns a short, printable account of an event's data: the
// string of an action or tag, else its size.
func (e Event) Describe() string {
	switch e.Type {
	case EvEFIAction, EvAction, EvIPL, EvPlatformConfigFlags:
		return fmt.Sprintf("%q", truncate(string(bytes.TrimRight(e.Data, "\x00")), 80))
	case EvEFIPlatformFirmwareBlob2, EvEFIHandoffTables2:
		if len(e.Data) > 0 && int(e.Data[0]) < len(e.Data) {
			return fmt.Sprintf("%q", truncate(string(e.Data[1:1+int(e.Data[0])]), 80))
		}
	case EvEFIVariableDriverConfig, EvEFIVariableBoot, EvEFIVariableAuthority:
		// UEFI_VARIABLE_DATA: GUID, name length (u64, UTF-16 units), data length (u64), name.
		if len(e.Data) >= 32 {
			n := binary.LittleEndian.Uint64(e.Data[16:])
			if n < 256 && 32+2*int(n) <= len(e.Data) {
				u := make([]uint16, n)
				for i := range u {
					u[i] = binary.LittleEndian.Uint16(e.Data[32+2*i:])
				}
				return "variable " + string(utf16.Decode(u))
			}
		}
	}
	return fmt.Sprintf("%d bytes", len(e.Data))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func allBytes(b []byte, v byte) bool {
	for _, x := range b {
		if x != v {
			return false
		}
	}
	return true
}

// reader reads little-endian fields, remembering the first short read.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = fmt.Errorf("%d bytes needed at byte %d, %d left", n, r.off, len(r.b)-r.off)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *reader) u16() uint16 {
	if v := r.bytes(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if v := r.bytes(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}
