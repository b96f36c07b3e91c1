package oci

import (
	"archive/tar"
	"bytes"
	"io"
	"runtime"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// File is one file or directory of a single-layer image built by NewImage.
type File struct {
	Path string // absolute, e.g. "/server"
	Mode int64  // e.g. 0o755; 0 means 0o644 for a file, 0o755 for a directory
	Data []byte
	Dir  bool // a directory (Data is ignored), e.g. "/tmp" with Mode 0o1777
	// Link makes the entry a symbolic link to Link (Data is ignored).
	Link string
}

// ImageConfig is the runtime configuration of an image built by NewImage.
type ImageConfig struct {
	Entrypoint []string
	Cmd        []string
	Env        []string
	WorkingDir string
	Ports      []string // "8080/tcp"
}

// NewImage builds a linux/GOARCH OCI image with one gzip layer holding files.
// Timestamps are fixed, so the same input gives the same digest. It is how
// tests and tools make images without a registry or Docker.
func NewImage(files []File, cfg ImageConfig) (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	dirs := map[string]bool{}
	for _, f := range files {
		name := trimSlash(f.Path)
		for i := 0; i < len(name); i++ {
			if name[i] == '/' && !dirs[name[:i]] {
				dirs[name[:i]] = true
				if err := tw.WriteHeader(&tar.Header{Name: name[:i] + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}); err != nil {
					return nil, err
				}
			}
		}
		mode := f.Mode
		if f.Dir {
			if mode == 0 {
				mode = 0o755
			}
			dirs[name] = true
			if err := tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: mode, ModTime: epoch}); err != nil {
				return nil, err
			}
			continue
		}
		if f.Link != "" {
			if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: f.Link, Mode: 0o777, ModTime: epoch}); err != nil {
				return nil, err
			}
			continue
		}
		if mode == 0 {
			mode = 0o644
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(f.Data)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.AppendLayers(base, layer)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Config.Entrypoint, cf.Config.Cmd, cf.Config.Env, cf.Config.WorkingDir = cfg.Entrypoint, cfg.Cmd, cfg.Env, cfg.WorkingDir
	if len(cfg.Ports) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range cfg.Ports {
			cf.Config.ExposedPorts[p] = struct{}{}
		}
	}
	return mutate.ConfigFile(img, cf)
}

func trimSlash(p string) string {
	for len(p) > 0 && p[0] == '/' {
		p = p[1:]
	}
	return p
}

// WriteLayoutDir writes img into a new OCI layout directory, naming it ref.
func WriteLayoutDir(dir string, img v1.Image, ref string) error {
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	var opts []layout.Option
	if ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{AnnotationRefName: ref}))
	}
	return p.AppendImage(img, opts...)
}

// WriteDockerArchive writes img as a `docker save` archive tagged tag.
func WriteDockerArchive(path string, img v1.Image, tag string) error {
	t, err := parseTag(tag)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(path, *t, img)
}
