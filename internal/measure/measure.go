// Package measure computes the launch measurements of a confidential VM from
// the files it boots, so that anyone can derive the values an attestation
// policy pins (docs/measure.md):
//
//   - SEV-SNP: the launch digest (SNPDigest) from an OVMF image's GUIDed
//     footer table and SEV metadata (ParseOVMF), the kernel-hashes table QEMU
//     places for measured direct boot (KernelHashes), and one VMSA page per
//     vCPU for a VMM type, vCPU type and guest features (SNPConfig).
//   - TDX: RTMR0–3 replayed from a CCEL event log (ParseCCEL, ReplayRTMRs),
//     and RTMR1/RTMR2 predicted for direct boot of a kernel, initrd and
//     command line under TDVF's measurement rules (TDXDirectBoot).
//
// The SEV-SNP algorithm follows the SNP firmware ABI (SNP_LAUNCH_UPDATE and
// its PAGE_INFO structure) as implemented by virtee/sev-snp-measure, whose
// test vectors it reproduces.
package measure

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid means malformed input: a firmware image, an event log, a VM
// shape this package cannot measure.
var ErrInvalid = errors.New("invalid")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Digest384 is a SHA-384 value: a launch digest, an RTMR.
type Digest384 [48]byte

// String returns the digest in hex.
func (d Digest384) String() string { return hex.EncodeToString(d[:]) }

// MarshalText implements encoding.TextMarshaler (hex).
func (d Digest384) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (hex, optional 0x).
func (d *Digest384) UnmarshalText(b []byte) error {
	v, err := ParseDigest384(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDigest384 parses 48 bytes of hex (an optional 0x prefix is accepted).
func ParseDigest384(s string) (Digest384, error) {
	var d Digest384
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != len(d) {
		return d, invalidf("%q is not %d bytes of hex", s, len(d))
	}
	copy(d[:], b)
	return d, nil
}

// Digest256 is a SHA-256 value, written in hex.
type Digest256 [32]byte

// String returns the digest in hex.
func (d Digest256) String() string { return hex.EncodeToString(d[:]) }

// MarshalText implements encoding.TextMarshaler (hex).
func (d Digest256) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (hex, optional 0x).
func (d *Digest256) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(strings.TrimPrefix(string(b), "0x"))
	if err != nil || len(v) != len(d) {
		return invalidf("%q is not %d bytes of hex", b, len(d))
	}
	copy(d[:], v)
	return nil
}

// guidLE encodes a GUID string the way UEFI lays it out in memory: the first
// three fields little-endian, the last two as written.
func guidLE(s string) [16]byte {
	var g [16]byte
	h := strings.ReplaceAll(s, "-", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 {
		panic("measure: bad GUID " + s)
	}
	binary.LittleEndian.PutUint32(g[0:], binary.BigEndian.Uint32(b[0:]))
	binary.LittleEndian.PutUint16(g[4:], binary.BigEndian.Uint16(b[4:]))
	binary.LittleEndian.PutUint16(g[6:], binary.BigEndian.Uint16(b[6:]))
	copy(g[8:], b[8:])
	return g
}
