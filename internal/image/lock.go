// Package image builds the provider's guest image (docs/image.md): a
// kernel, an initrd and a command line, from Debian packages pinned by exact
// version and SHA-256 in a lock file and the reproducible tpod, packed so
// that the same inputs always give the same bytes.
package image

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Package is one line of the lock file: a Debian package at an exact
// version, architecture and SHA-256 of its .deb.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Arch    string `json:"arch"`
	SHA256  string `json:"sha256"`
}

var (
	debName    = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	debVersion = regexp.MustCompile(`^([0-9]+:)?[0-9A-Za-z.+~-]+$`)
	debArch    = regexp.MustCompile(`^[a-z0-9-]+$`)
	hexSHA256  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// FileName is the .deb's file name as apt-get download writes it (the
// epoch's colon escaped as %3a).
func (p Package) FileName() string {
	return p.Name + "_" + strings.ReplaceAll(p.Version, ":", "%3a") + "_" + p.Arch + ".deb"
}

// ParseLock reads a lock file: "name version arch sha256" per line; blank
// lines and lines starting with # are ignored. Names must be unique.
func ParseLock(r io.Reader) ([]Package, error) {
	var out []Package
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("lock line %d: want \"name version arch sha256\", got %d fields", n, len(f))
		}
		p := Package{Name: f[0], Version: f[1], Arch: f[2], SHA256: f[3]}
		switch {
		case !debName.MatchString(p.Name):
			return nil, fmt.Errorf("lock line %d: bad package name %q", n, p.Name)
		case !debVersion.MatchString(p.Version):
			return nil, fmt.Errorf("lock line %d: bad version %q", n, p.Version)
		case !debArch.MatchString(p.Arch):
			return nil, fmt.Errorf("lock line %d: bad architecture %q", n, p.Arch)
		case !hexSHA256.MatchString(p.SHA256):
			return nil, fmt.Errorf("lock line %d: %q is not a lowercase hex SHA-256", n, p.SHA256)
		case seen[p.Name]:
			return nil, fmt.Errorf("lock line %d: %s listed twice", n, p.Name)
		}
		seen[p.Name] = true
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadLock parses the lock file at path.
func ReadLock(path string) ([]Package, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pkgs, err := ParseLock(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pkgs, nil
}

// FileSHA256 is the hex SHA-256 of a file.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
