// Package measuretest makes boot files for tests of launch measurements: a
// small PE32+ image that is also a Linux bzImage, and an image directory
// (make image's layout) holding it.
package measuretest

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// PE builds a small PE32+ image: headers up to 0x200, two sections whose
// headers are listed out of file order, and an attribute certificate table
// at the end. With bzImage set it also carries a Linux setup header.
func PE(bzImage bool) []byte {
	le := binary.LittleEndian
	pe := make([]byte, 0x620)
	copy(pe, "MZ")
	le.PutUint32(pe[0x3c:], 0x80)
	copy(pe[0x80:], "PE\x00\x00")
	coff := 0x84
	le.PutUint16(pe[coff:], 0x8664)
	le.PutUint16(pe[coff+2:], 2)
	le.PutUint16(pe[coff+16:], 240)
	opt := coff + 20
	le.PutUint16(pe[opt:], 0x20b)
	le.PutUint32(pe[opt+60:], 0x200) // SizeOfHeaders
	le.PutUint32(pe[opt+64:], 0xdeadbeef)
	le.PutUint32(pe[opt+108:], 16)
	le.PutUint32(pe[opt+112+4*8:], 0x600) // certificate table
	le.PutUint32(pe[opt+112+4*8+4:], 0x20)
	sects := opt + 240
	le.PutUint32(pe[sects+16:], 0x200) // section 0: file 0x400
	le.PutUint32(pe[sects+20:], 0x400)
	le.PutUint32(pe[sects+40+16:], 0x200) // section 1: file 0x200
	le.PutUint32(pe[sects+40+20:], 0x200)
	for i := 0x200; i < 0x600; i++ {
		pe[i] = byte(i * 7)
	}
	copy(pe[0x600:], "certificate certificate certific")
	if bzImage {
		le.PutUint32(pe[0x202:], 0x53726448)
		le.PutUint16(pe[0x206:], 0x20f)
		pe[0x211] = 0x01
		le.PutUint16(pe[0x236:], 0x40)
		pe = append(pe, make([]byte, 0x1000-len(pe))...)
		le.PutUint32(pe[opt+112+4*8:], 0) // no certificate table
		le.PutUint32(pe[opt+112+4*8+4:], 0)
	}
	return pe
}

// ImageDir writes an image directory (vmlinuz, initrd.img, cmdline) with a
// test bzImage, the given initrd and command line, and returns its path.
func ImageDir(t testing.TB, initrd []byte, cmdline string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string][]byte{"vmlinuz": PE(true), "initrd.img": initrd, "cmdline": []byte(cmdline + "\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
