package image

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Inputs are what an image is built from.
type Inputs struct {
	// Lock is the lock file; every package in it is extracted.
	Lock string
	// Spec lists what the initrd holds (docs/image.md, "initrd.spec").
	Spec string
	// Config is the image-fixed provider configuration, installed as
	// /etc/tpod/image.json.
	Config string
	// Cmdline is the kernel command line file.
	Cmdline string
	// Tpod is the reproducible tpod binary, installed as /usr/bin/tpod;
	// TpodVersion is its version (recorded in image.json).
	Tpod        string
	TpodVersion string
	// DebCache holds the .deb files (see Fetch).
	DebCache string
	// Epoch is SOURCE_DATE_EPOCH: every mtime in the initrd.
	Epoch int64
	// Work is a scratch directory (the packages are extracted there).
	Work string
}

// Manifest is image.json: every input with its hash, and the hashes of the
// three files a confidential VM's launch measures (the SEV-SNP kernel-hashes
// table; TDX RTMR1/RTMR2).
type Manifest struct {
	Version         int       `json:"version"`
	SourceDateEpoch int64     `json:"sourceDateEpoch"`
	Kernel          FileHash  `json:"kernel"`
	Initrd          FileHash  `json:"initrd"`
	Cmdline         Cmdline   `json:"cmdline"`
	Tpod            FileHash  `json:"tpod"`
	Inputs          []Input   `json:"inputs"`
	Packages        []Package `json:"packages"`
	Modules         []string  `json:"modules"`
}

// FileHash names a file of the image and its SHA-256.
type FileHash struct {
	File    string `json:"file"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Version string `json:"version,omitempty"`
}

// Cmdline is the kernel command line: the file holds Value without a
// newline; SHA256NUL is over Value and a terminating NUL, which is what
// QEMU's SEV kernel-hashes table holds.
type Cmdline struct {
	File      string `json:"file"`
	Value     string `json:"value"`
	SHA256    string `json:"sha256"`
	SHA256NUL string `json:"sha256Nul"`
}

// Input is a source file of the build (lock, spec, config) with its hash.
type Input struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Output file names under the output directory.
const (
	KernelFile   = "vmlinuz"
	InitrdFile   = "initrd.img"
	CmdlineFile  = "cmdline"
	ManifestFile = "image.json"
)

// Build extracts the locked packages, assembles the initrd tree from the
// spec and writes vmlinuz, initrd.img, cmdline and image.json to out.
func Build(ctx context.Context, in Inputs, out string, log io.Writer) (*Manifest, error) {
	pkgs, err := ReadLock(in.Lock)
	if err != nil {
		return nil, err
	}
	root := filepath.Join(in.Work, "root")
	if err := os.RemoveAll(root); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		deb := filepath.Join(in.DebCache, p.FileName())
		// Check again right before use: the cache is a plain directory.
		sum, err := FileSHA256(deb)
		if err != nil {
			return nil, fmt.Errorf("%s: %w (run the fetch step)", p.FileName(), err)
		}
		if sum != p.SHA256 {
			return nil, fmt.Errorf("%s: SHA-256 %s, the lock says %s: refusing it", deb, sum, p.SHA256)
		}
		if out, err := exec.CommandContext(ctx, "dpkg-deb", "-x", deb, root).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("dpkg-deb -x %s: %v: %s", deb, err, out)
		}
	}
	kver, err := kernelVersion(root)
	if err != nil {
		return nil, err
	}

	t := NewTree()
	b := &builder{root: root, tree: t, kver: kver}
	spec, err := os.ReadFile(in.Spec)
	if err != nil {
		return nil, err
	}
	if err := b.applySpec(spec); err != nil {
		return nil, fmt.Errorf("%s: %w", in.Spec, err)
	}
	if err := b.addModules(ctx); err != nil {
		return nil, err
	}
	conf, err := os.ReadFile(in.Config)
	if err != nil {
		return nil, err
	}
	if !json.Valid(conf) {
		return nil, fmt.Errorf("%s: not JSON", in.Config)
	}
	for _, e := range []struct {
		p string
		e Entry
	}{
		{"/usr/bin/tpod", Entry{Mode: 0o755, Source: in.Tpod}},
		{"/etc/tpod/image.json", Entry{Mode: 0o444, Data: conf}},
		{"/dev/console", Entry{Mode: fs.ModeDevice | fs.ModeCharDevice | 0o600, Major: 5, Minor: 1}},
	} {
		if err := t.Add(e.p, e.e); err != nil {
			return nil, err
		}
	}
	for _, d := range []string{"/proc", "/sys", "/run", "/tmp", "/data", "/mnt"} {
		if err := t.Add(d, Entry{Mode: fs.ModeDir | 0o755}); err != nil {
			return nil, err
		}
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	m := &Manifest{Version: 1, SourceDateEpoch: in.Epoch, Packages: pkgs, Modules: b.modules}
	// initrd.img: a newc cpio, not compressed. The kernel reads gzip too
	// (Go's, without name or mtime, is as deterministic), but unpacking
	// 81 MB of gzip took 5.4 s of a TCG boot; the guest holds the
	// unpacked files in RAM either way.
	if m.Initrd, err = writeAtomic(filepath.Join(out, InitrdFile), func(w io.Writer) error {
		return t.WriteCPIO(w, in.Epoch)
	}); err != nil {
		return nil, err
	}
	if m.Kernel, err = writeAtomic(filepath.Join(out, KernelFile), copyFrom(filepath.Join(root, "boot", "vmlinuz-"+kver))); err != nil {
		return nil, err
	}
	m.Kernel.Version = kver
	cl, err := os.ReadFile(in.Cmdline)
	if err != nil {
		return nil, err
	}
	value := strings.TrimSpace(string(cl))
	if strings.ContainsAny(value, "\n\x00") {
		return nil, fmt.Errorf("%s: the command line must be one line", in.Cmdline)
	}
	if _, err := writeAtomic(filepath.Join(out, CmdlineFile), func(w io.Writer) error { _, err := io.WriteString(w, value); return err }); err != nil {
		return nil, err
	}
	m.Cmdline = Cmdline{File: CmdlineFile, Value: value, SHA256: hexSum([]byte(value)), SHA256NUL: hexSum(append([]byte(value), 0))}
	m.Initrd.File, m.Kernel.File = InitrdFile, KernelFile
	if m.Tpod.SHA256, err = FileSHA256(in.Tpod); err != nil {
		return nil, err
	}
	st, _ := os.Stat(in.Tpod)
	m.Tpod.File, m.Tpod.Size, m.Tpod.Version = "/usr/bin/tpod", st.Size(), in.TpodVersion
	for _, f := range []struct{ name, path string }{{"debs.lock", in.Lock}, {"initrd.spec", in.Spec}, {"config.json", in.Config}, {"cmdline", in.Cmdline}} {
		sum, err := FileSHA256(f.path)
		if err != nil {
			return nil, err
		}
		m.Inputs = append(m.Inputs, Input{Name: f.name, SHA256: sum})
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if _, err := writeAtomic(filepath.Join(out, ManifestFile), func(w io.Writer) error { _, err := w.Write(append(js, '\n')); return err }); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "image: kernel %s, %d initrd entries, %d modules, initrd %d MiB\n", kver, len(t.entries), len(b.modules), m.Initrd.Size>>20)
	return m, nil
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func copyFrom(src string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
}

// writeAtomic writes path through fill and returns its size and hash.
func writeAtomic(p string, fill func(io.Writer) error) (FileHash, error) {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".image-*")
	if err != nil {
		return FileHash{}, err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, h)}
	if err := fill(cw); err != nil {
		tmp.Close()
		return FileHash{}, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return FileHash{}, err
	}
	if err := tmp.Close(); err != nil {
		return FileHash{}, err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return FileHash{}, err
	}
	return FileHash{Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// kernelVersion finds the single kernel among the extracted packages.
func kernelVersion(root string) (string, error) {
	ents, err := os.ReadDir(filepath.Join(root, "lib", "modules"))
	if err != nil || len(ents) != 1 {
		return "", fmt.Errorf("the lock must hold exactly one kernel package (lib/modules: %d entries, %v)", len(ents), err)
	}
	return ents[0].Name(), nil
}

type builder struct {
	root    string
	tree    *Tree
	kver    string
	want    []string // modules named in the spec
	modules []string // load order, dependencies first
}

// applySpec runs the spec's lines:
//
//	bin PATH          an ELF file from the packages and the shared libraries it needs
//	file PATH         a file (or symlink) from the packages as it is
//	tree PATH         a directory from the packages with everything in it
//	link PATH TARGET  a symlink
//	dir PATH          an empty directory
//	module NAME       a kernel module, loaded at boot after its dependencies
func (b *builder) applySpec(spec []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(spec))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		var err error
		switch {
		case f[0] == "bin" && len(f) == 2:
			err = b.addELF(f[1])
		case f[0] == "file" && len(f) == 2:
			err = b.addPath(f[1])
		case f[0] == "tree" && len(f) == 2:
			err = b.addTree(f[1])
		case f[0] == "link" && len(f) == 3:
			err = b.tree.Add(f[1], Entry{Mode: fs.ModeSymlink | 0o777, Link: f[2]})
		case f[0] == "dir" && len(f) == 2:
			err = b.tree.Add(f[1], Entry{Mode: fs.ModeDir | 0o755})
		case f[0] == "module" && len(f) == 2:
			b.want = append(b.want, modName(f[1]))
		default:
			err = fmt.Errorf("unknown directive %q", strings.Join(f, " "))
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// addPath adds p from the extracted packages: a file with its mode, or a
// symlink and (recursively) what it points to.
func (b *builder) addPath(p string) error {
	for range 40 {
		if b.tree.Has(p) {
			return nil
		}
		st, err := os.Lstat(filepath.Join(b.root, p))
		if err != nil {
			return fmt.Errorf("%s is in none of the locked packages", p)
		}
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(filepath.Join(b.root, p))
			if err != nil {
				return err
			}
			if err := b.tree.Add(p, Entry{Mode: fs.ModeSymlink | 0o777, Link: target}); err != nil {
				return err
			}
			if !path.IsAbs(target) {
				target = path.Join(path.Dir(p), target)
			}
			p = target
		case st.Mode().IsRegular():
			return b.tree.Add(p, Entry{Mode: st.Mode() & (fs.ModePerm | fs.ModeSetuid), Source: filepath.Join(b.root, p)})
		default:
			return fmt.Errorf("%s: unsupported file type %v", p, st.Mode().Type())
		}
	}
	return fmt.Errorf("%s: too many symlinks", p)
}

// libDirs are where the dynamic loader looks (Debian's multiarch paths).
var libDirs = []string{"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"}

// addELF adds an ELF file and, transitively, its interpreter and the
// libraries it needs.
func (b *builder) addELF(p string) error {
	if err := b.addPath(p); err != nil {
		return err
	}
	real, err := b.resolve(p)
	if err != nil {
		return err
	}
	f, err := elf.Open(filepath.Join(b.root, real))
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			interp, err := io.ReadAll(prog.Open())
			if err != nil {
				return err
			}
			if err := b.addELF(strings.TrimRight(string(interp), "\x00")); err != nil {
				return fmt.Errorf("%s: interpreter: %w", p, err)
			}
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return fmt.Errorf("%s: %w", p, err)
	}
	for _, lib := range libs {
		found := false
		for _, d := range libDirs {
			lp := path.Join(d, lib)
			if _, err := os.Lstat(filepath.Join(b.root, lp)); err == nil {
				if b.tree.Has(lp) {
					found = true
					break
				}
				if err := b.addELF(lp); err != nil {
					return err
				}
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%s needs %s, which none of the locked packages has (add its package to image/packages and refresh the lock)", p, lib)
		}
	}
	return nil
}

// resolve follows symlinks inside the extracted tree.
func (b *builder) resolve(p string) (string, error) {
	for range 40 {
		full := filepath.Join(b.root, p)
		st, err := os.Lstat(full)
		if err != nil {
			return "", err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		t, err := os.Readlink(full)
		if err != nil {
			return "", err
		}
		if !path.IsAbs(t) {
			t = path.Join(path.Dir(p), t)
		}
		p = t
	}
	return "", fmt.Errorf("%s: too many symlinks", p)
}

// addTree adds a directory from the packages recursively; ELF files in it
// bring their libraries.
func (b *builder) addTree(dir string) error {
	return filepath.WalkDir(filepath.Join(b.root, dir), func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		p := "/" + filepath.ToSlash(strings.TrimPrefix(full, b.root+string(filepath.Separator)))
		if d.IsDir() {
			return b.tree.Add(p, Entry{Mode: fs.ModeDir | 0o755})
		}
		if d.Type().IsRegular() && isELF(full) {
			return b.addELF(p)
		}
		return b.addPath(p)
	})
}

func isELF(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 4)
	_, err = io.ReadFull(f, magic)
	return err == nil && string(magic) == "\x7fELF"
}

func modName(s string) string { return strings.ReplaceAll(s, "-", "_") }

// addModules adds the spec's modules and their dependencies (from each
// module's .modinfo "depends"), and /lib/modules/<version>/load: their
// paths in load order, dependencies first. The guest loads exactly these.
func (b *builder) addModules(ctx context.Context) error {
	base := path.Join("/lib/modules", b.kver)
	files := map[string]string{} // module name → path in the tree
	err := filepath.WalkDir(filepath.Join(b.root, base, "kernel"), func(full string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		for _, ext := range []string{".ko.xz", ".ko.zst", ".ko"} {
			if strings.HasSuffix(name, ext) {
				files[modName(strings.TrimSuffix(name, ext))] = "/" + filepath.ToSlash(strings.TrimPrefix(full, b.root+string(filepath.Separator)))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name, from string) error
	visit = func(name, from string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("kernel module dependency cycle at %s", name)
		case 2:
			return nil
		}
		p, ok := files[name]
		if !ok {
			if from == "" {
				return fmt.Errorf("kernel module %s is not in kernel %s (built in? then drop it from the spec)", name, b.kver)
			}
			return fmt.Errorf("kernel module %s (needed by %s) is not in kernel %s", name, from, b.kver)
		}
		state[name] = 1
		deps, err := moduleDepends(ctx, filepath.Join(b.root, p))
		if err != nil {
			return err
		}
		for _, d := range deps {
			if err := visit(modName(d), name); err != nil {
				return err
			}
		}
		state[name] = 2
		b.modules = append(b.modules, name)
		// Stored decompressed: the kernel's xz decompression took 2 s of
		// a TCG boot; the initrd is not compressed either. The module
		// signature is on the uncompressed module and stays valid.
		raw, err := decompressModule(ctx, filepath.Join(b.root, p))
		if err != nil {
			return err
		}
		files[name] = strings.TrimSuffix(strings.TrimSuffix(p, ".xz"), ".zst")
		return b.tree.Add(files[name], Entry{Mode: 0o644, Data: raw})
	}
	for _, m := range b.want {
		if err := visit(m, ""); err != nil {
			return err
		}
	}
	var load strings.Builder
	for _, m := range b.modules {
		load.WriteString(files[m] + "\n")
	}
	return b.tree.Add(path.Join(base, "load"), Entry{Mode: 0o444, Data: []byte(load.String())})
}

func decompressModule(ctx context.Context, file string) ([]byte, error) {
	var raw []byte
	var err error
	switch {
	case strings.HasSuffix(file, ".xz"):
		raw, err = exec.CommandContext(ctx, "xz", "-dc", file).Output()
	case strings.HasSuffix(file, ".zst"):
		raw, err = exec.CommandContext(ctx, "zstd", "-dc", file).Output()
	default:
		raw, err = os.ReadFile(file)
	}
	if err != nil {
		return nil, fmt.Errorf("read module %s: %w", file, err)
	}
	return raw, nil
}

// moduleDepends reads the "depends=" entry of a module's .modinfo.
func moduleDepends(ctx context.Context, file string) ([]string, error) {
	raw, err := decompressModule(ctx, file)
	if err != nil {
		return nil, err
	}
	f, err := elf.NewFile(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", file, err)
	}
	s := f.Section(".modinfo")
	if s == nil {
		return nil, fmt.Errorf("module %s has no .modinfo", file)
	}
	info, err := s.Data()
	if err != nil {
		return nil, err
	}
	for _, kv := range bytes.Split(info, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte("depends=")); ok {
			if len(v) == 0 {
				return nil, nil
			}
			deps := strings.Split(string(v), ",")
			slices.Sort(deps)
			return deps, nil
		}
	}
	return nil, nil
}
