package image

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sampleTree(t *testing.T, dir string) *Tree {
	t.Helper()
	src := filepath.Join(dir, "bin")
	if err := os.WriteFile(src, []byte("\x7fELF not really"), 0o755); err != nil {
		t.Fatal(err)
	}
	tr := NewTree()
	for p, e := range map[string]Entry{
		"/usr/bin/tpod":        {Mode: 0o755, Source: src},
		"/etc/tpod/image.json": {Mode: 0o444, Data: []byte(`{"version":1}`)},
		"/bin/sh":              {Mode: fs.ModeSymlink | 0o777, Link: "dash"},
		"/dev/console":         {Mode: fs.ModeDevice | fs.ModeCharDevice | 0o600, Major: 5, Minor: 1},
		"/data":                {Mode: fs.ModeDir | 0o755},
	} {
		if err := tr.Add(p, e); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// The same tree packs to the same bytes whatever the files' mtimes, owners
// or the order they were added in.
func TestCPIODeterministic(t *testing.T) {
	dir := t.TempDir()
	var a, b bytes.Buffer
	if err := sampleTree(t, dir).WriteCPIO(&a, 1700000000); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(dir, "bin"), time.Now(), time.Now().Add(time.Hour))
	if err := sampleTree(t, dir).WriteCPIO(&b, 1700000000); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two packs of the same tree differ")
	}
	// Parse the newc stream back: sorted names, fixed fields, 4-byte alignment.
	data := a.Bytes()
	var names []string
	for off := 0; ; {
		h := string(data[off : off+110])
		if h[:6] != "070701" {
			t.Fatalf("bad magic at %d: %q", off, h[:6])
		}
		field := func(i int) int64 { v, _ := strconv.ParseInt(h[6+8*i:14+8*i], 16, 64); return v }
		mode, uid, gid, mtime, size, nsize := field(1), field(2), field(3), field(5), field(6), field(11)
		name := string(data[off+110 : off+110+int(nsize)-1])
		if name == "TRAILER!!!" {
			break
		}
		names = append(names, name)
		if uid != 0 || gid != 0 || mtime != 1700000000 || field(7) != 0 || field(8) != 0 {
			t.Fatalf("%s: uid %d gid %d mtime %d dev %d:%d", name, uid, gid, mtime, field(7), field(8))
		}
		if name == "dev/console" && (mode&0o170000 != 0o020000 || field(9) != 5 || field(10) != 1) {
			t.Fatalf("console: mode %o rdev %d:%d", mode, field(9), field(10))
		}
		off += 110 + int(nsize)
		off = (off + 3) &^ 3
		off += int(size)
		off = (off + 3) &^ 3
	}
	want := "bin bin/sh data dev dev/console etc etc/tpod etc/tpod/image.json usr usr/bin usr/bin/tpod"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("entries %q, want %q", got, want)
	}
}

func TestTreeRefusesConflicts(t *testing.T) {
	tr := NewTree()
	if err := tr.Add("/a/b", Entry{Mode: 0o644, Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Add("/a/b", Entry{Mode: 0o644, Data: []byte("y")}); err == nil {
		t.Fatal("a path added twice with different contents")
	}
	if err := tr.Add("/a/b/c", Entry{Mode: 0o644}); err == nil {
		t.Fatal("a file under a file")
	}
	for _, p := range []string{"a", "/a/../b", "/", "/a/"} {
		if err := tr.Add(p, Entry{Mode: 0o644}); err == nil {
			t.Fatalf("path %q accepted", p)
		}
	}
}

func TestParseLock(t *testing.T) {
	good := "# c\nlibc6 2.36-9+deb12u14 amd64 " + strings.Repeat("ab", 32) + "\nlibcap2 1:2.66-4 amd64 " + strings.Repeat("cd", 32) + "\n"
	pkgs, err := ParseLock(strings.NewReader(good))
	if err != nil || len(pkgs) != 2 || pkgs[1].FileName() != "libcap2_1%3a2.66-4_amd64.deb" {
		t.Fatalf("%v %v", pkgs, err)
	}
	for _, bad := range []string{
		"libc6 2.36 amd64",
		"libc6 2.36 amd64 " + strings.Repeat("AB", 32),
		"../x 1 amd64 " + strings.Repeat("ab", 32),
		"libc6 2.36 amd64 " + strings.Repeat("ab", 32) + "\nlibc6 2.37 amd64 " + strings.Repeat("ab", 32),
		"libc6 2.36;rm amd64 " + strings.Repeat("ab", 32),
	} {
		if _, err := ParseLock(strings.NewReader(bad)); err == nil {
			t.Fatalf("accepted %q", bad)
		}
	}
}

// The lock in the repository parses and pins one kernel.
func TestRepoLock(t *testing.T) {
	pkgs, err := ReadLock("../../image/debs.lock")
	if err != nil {
		t.Fatal(err)
	}
	kernels := 0
	for _, p := range pkgs {
		if strings.HasPrefix(p.Name, "linux-image-6.12.") && strings.HasSuffix(p.Name, "-cloud-amd64-unsigned") {
			kernels++
		}
	}
	if kernels != 1 {
		t.Fatalf("%d 6.12 cloud kernels in the lock, want 1", kernels)
	}
}
