package image

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// Tree is the initrd's file tree before packing: paths (absolute, clean)
// to entries. Parent directories are implied.
type Tree struct {
	entries map[string]*Entry
}

// Entry is a file, directory, symlink or character device.
type Entry struct {
	Mode fs.FileMode // type bits and permissions
	// Source is a file on the build machine whose contents are copied; Data
	// is used when Source is empty.
	Source string
	Data   []byte
	// Link is a symlink's target.
	Link string
	// Major and Minor are a character device's numbers.
	Major, Minor uint32
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{entries: map[string]*Entry{}} }

func cleanPath(p string) (string, error) {
	if !strings.HasPrefix(p, "/") || path.Clean(p) != p || p == "/" {
		return "", fmt.Errorf("initrd path %q: must be absolute and clean", p)
	}
	return p, nil
}

// Add puts e at p, replacing nothing: adding a path twice is an error
// unless both entries are equal directories.
func (t *Tree) Add(p string, e Entry) error {
	p, err := cleanPath(p)
	if err != nil {
		return err
	}
	if old, ok := t.entries[p]; ok {
		if old.Mode.IsDir() && e.Mode.IsDir() {
			return nil
		}
		if old.Mode == e.Mode && old.Source == e.Source && old.Link == e.Link && string(old.Data) == string(e.Data) {
			return nil
		}
		return fmt.Errorf("initrd path %s added twice", p)
	}
	for d := path.Dir(p); d != "/"; d = path.Dir(d) {
		if old, ok := t.entries[d]; ok {
			if !old.Mode.IsDir() {
				return fmt.Errorf("initrd path %s: %s is not a directory", p, d)
			}
			continue
		}
		t.entries[d] = &Entry{Mode: fs.ModeDir | 0o755}
	}
	t.entries[p] = &e
	return nil
}

// Has reports whether p is in the tree.
func (t *Tree) Has(p string) bool { _, ok := t.entries[p]; return ok }

// Paths lists the tree's paths, sorted.
func (t *Tree) Paths() []string {
	out := make([]string, 0, len(t.entries))
	for p := range t.entries {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// WriteCPIO writes the tree as a newc ("070701") cpio archive: entries in
// byte order of their paths, inode numbers counted from 1 in that order,
// mtime fixed at mtime, uid and gid 0, no device numbers but those of
// character devices themselves: nothing of the build machine leaks in.
func (t *Tree) WriteCPIO(w io.Writer, mtime int64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	ino := uint32(0)
	for _, p := range t.Paths() {
		e := t.entries[p]
		ino++
		var data []byte
		var src *os.File
		var size int64
		var mode uint32
		nlink := uint32(1)
		switch {
		case e.Mode.IsDir():
			mode, nlink = 0o040000, 2
		case e.Mode&fs.ModeSymlink != 0:
			mode, data = 0o120000, []byte(e.Link)
		case e.Mode&fs.ModeCharDevice != 0:
			mode = 0o020000
		case e.Mode.IsRegular():
			mode = 0o100000
			if e.Source == "" {
				data = e.Data
			} else {
				f, err := os.Open(e.Source)
				if err != nil {
					return err
				}
				st, err := f.Stat()
				if err != nil {
					f.Close()
					return err
				}
				src, size = f, st.Size()
			}
		default:
			return fmt.Errorf("initrd path %s: unsupported file type %v", p, e.Mode.Type())
		}
		if src == nil {
			size = int64(len(data))
		}
		if size > 0xffffffff {
			return fmt.Errorf("initrd path %s: too large for newc", p)
		}
		mode |= uint32(e.Mode.Perm())
		if e.Mode&fs.ModeSetuid != 0 {
			mode |= 0o4000
		}
		name := p[1:] // newc names are relative: "usr/bin/tpod"
		err := writeHeader(bw, ino, mode, nlink, uint32(mtime), uint32(size), e.Major, e.Minor, name)
		if err == nil {
			if src != nil {
				var n int64
				n, err = io.Copy(bw, src)
				if err == nil && n != size {
					err = fmt.Errorf("initrd path %s: %s changed while packing", p, e.Source)
				}
			} else {
				_, err = bw.Write(data)
			}
		}
		if src != nil {
			src.Close()
		}
		if err != nil {
			return err
		}
		if err := pad4(bw, size); err != nil {
			return err
		}
	}
	if err := writeHeader(bw, 0, 0, 1, 0, 0, 0, 0, "TRAILER!!!"); err != nil {
		return err
	}
	return bw.Flush()
}

func writeHeader(w *bufio.Writer, ino, mode, nlink, mtime, size, rmajor, rminor uint32, name string) error {
	// magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
	// devminor, rdevmajor, rdevminor, namesize (with NUL), check.
	_, err := fmt.Fprintf(w, "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		ino, mode, 0, 0, nlink, mtime, size, 0, 0, rmajor, rminor, len(name)+1, 0)
	if err != nil {
		return err
	}
	if _, err := w.WriteString(name); err != nil {
		return err
	}
	if err := w.WriteByte(0); err != nil {
		return err
	}
	return pad4(w, int64(110+len(name)+1))
}

func pad4(w *bufio.Writer, n int64) error {
	if r := n % 4; r != 0 {
		_, err := w.Write(make([]byte, 4-r))
		return err
	}
	return nil
}
