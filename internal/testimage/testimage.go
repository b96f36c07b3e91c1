// Package testimage builds real OCI images for tests from static Go programs,
// with go-containerregistry and no registry. PodTest returns the image of
// ./podtest, a small program with HTTP-server, memory-hog, CPU-burn, logging
// and disk-filling modes that runtime, gateway and provider tests can share.
package testimage

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/oci"
)

// Image is a built image.
type Image struct {
	// Archive is an OCI layout tar file with one image.
	Archive string
	// Digest is the image manifest's digest ("sha256:...").
	Digest string
}

var (
	mu    sync.Mutex
	built = map[string]Image{}
)

// PodTest builds (once per process, cached on disk by source hash) the image
// whose entrypoint is /podtest and default command "serve".
func PodTest() (Image, error) {
	_, self, _, _ := runtime.Caller(0)
	return GoProgram(filepath.Join(filepath.Dir(self), "podtest"), "/podtest", []string{"serve"})
}

// GoProgram compiles the main package in dir with CGO_ENABLED=0 and wraps the
// binary in a one-layer linux/amd64 (GOARCH of the host) OCI image at binPath
// with cmd as its default command. Results are cached in
// $TMPDIR/tpod-testimage by a hash of the sources.
func GoProgram(dir, binPath string, cmd []string) (Image, error) {
	mu.Lock()
	defer mu.Unlock()
	key, err := hashDir(dir)
	if err != nil {
		return Image{}, err
	}
	key = fmt.Sprintf("%x", sha256.Sum256([]byte(key+binPath+fmt.Sprint(cmd)+runtime.GOARCH)))[:16]
	if img, ok := built[key]; ok {
		return img, nil
	}
	cache := filepath.Join(os.TempDir(), "tpod-testimage")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return Image{}, err
	}
	archive := filepath.Join(cache, key+".tar")
	digestFile := archive + ".digest"
	if d, err := os.ReadFile(digestFile); err == nil {
		if _, err := os.Stat(archive); err == nil {
			img := Image{Archive: archive, Digest: string(d)}
			built[key] = img
			return img, nil
		}
	}

	// Unique temporary names: test binaries of several packages may build
	// the same image at once; the results are identical, the last rename wins.
	binf, err := os.CreateTemp(cache, key+"-*.bin")
	if err != nil {
		return Image{}, err
	}
	binf.Close()
	bin := binf.Name()
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		return Image{}, fmt.Errorf("go build %s: %v\n%s", dir, err, out)
	}
	defer os.Remove(bin)
	img, err := FromBinary(bin, binPath, cmd)
	if err != nil {
		return Image{}, err
	}
	d, err := img.Digest()
	if err != nil {
		return Image{}, err
	}
	tmpf, err := os.CreateTemp(cache, key+"-*.tar.tmp")
	if err != nil {
		return Image{}, err
	}
	tmpf.Close()
	tmp := tmpf.Name()
	defer os.Remove(tmp)
	if err := WriteLayoutTar(tmp, img); err != nil {
		return Image{}, err
	}
	if err := os.Rename(tmp, archive); err != nil {
		return Image{}, err
	}
	dtmp := fmt.Sprintf("%s.%d", digestFile, os.Getpid())
	if err := os.WriteFile(dtmp, []byte(d.String()), 0o644); err != nil {
		return Image{}, err
	}
	if err := os.Rename(dtmp, digestFile); err != nil {
		return Image{}, err
	}
	out := Image{Archive: archive, Digest: d.String()}
	built[key] = out
	return out, nil
}

// FromBinary returns an image with the file bin at binPath (mode 0755) and
// the directories /tmp and /etc (mode 1777) as its only content, entrypoint
// [binPath], the given cmd and PATH=/.
func FromBinary(bin, binPath string, cmd []string) (v1.Image, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	return oci.NewImage([]oci.File{
		{Path: binPath, Mode: 0o755, Data: data},
		{Path: "/tmp", Mode: 0o1777, Dir: true},
		{Path: "/etc", Mode: 0o1777, Dir: true},
	}, oci.ImageConfig{Entrypoint: []string{binPath}, Cmd: cmd, Env: []string{"PATH=/"}})
}

// WriteLayoutTar writes img as a tar of an OCI image layout to path.
func WriteLayoutTar(path string, img v1.Image) error {
	dir, err := os.MkdirTemp("", "tpod-layout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := oci.WriteLayoutDir(dir, img, ""); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func hashDir(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}
