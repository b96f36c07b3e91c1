package containerd

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/errdefs"
	digest "github.com/opencontainers/go-digest"

	"github.com/trustedpods/tpod/internal/runtime"
)

// imagePrefix names imported images by digest: tpod.local/image@sha256:...
const imagePrefix = "tpod.local/image@"

// ensureImage returns the image a container runs, importing its archive
// first if needed (skipped when Digest names an image already present), and
// unpacks it for the overlayfs snapshotter.
func (r *Runtime) ensureImage(ctx context.Context, im runtime.Image) (client.Image, error) {
	cached := func() (client.Image, bool) {
		if im.Digest == "" {
			return nil, false
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		img, ok := r.images[im.Digest]
		return img, ok
	}
	if img, ok := cached(); ok {
		return img, nil
	}
	r.importMu.Lock()
	defer r.importMu.Unlock()
	if img, ok := cached(); ok { // imported while this one waited
		return img, nil
	}
	var img client.Image
	var err error
	switch {
	case im.Ref != "":
		img, err = r.client.GetImage(ctx, im.Ref)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", im.Ref, wrapErr(err))
		}
	case im.Digest != "":
		img, err = r.client.GetImage(ctx, imagePrefix+im.Digest)
		if errdefs.IsNotFound(err) {
			img, err = r.ImportImage(ctx, im.Archive, im.Digest)
		}
	default:
		img, err = r.ImportImage(ctx, im.Archive, "")
	}
	if err != nil {
		return nil, err
	}
	if im.Digest != "" && img.Target().Digest.String() != im.Digest {
		return nil, fmt.Errorf("image digest is %s, want %s: %w", img.Target().Digest, im.Digest, runtime.ErrInvalid)
	}
	ok, err := img.IsUnpacked(ctx, snapshotter)
	if err != nil {
		return nil, wrapErr(err)
	}
	if !ok {
		if err := img.Unpack(ctx, snapshotter); err != nil {
			return nil, fmt.Errorf("unpack image: %w", wrapErr(err))
		}
	}
	if im.Digest != "" {
		// Unpacked images are never removed by us, so the lookup can be
		// skipped next time.
		r.mu.Lock()
		r.images[im.Digest] = img
		r.mu.Unlock()
	}
	return img, nil
}

// ImportImage imports an OCI image archive (a tar of an OCI layout or of
// `docker save`, or an OCI layout directory) and returns the image with the
// given manifest digest, or the only image of the archive if want is "".
// Images are named tpod.local/image@<digest>.
func (r *Runtime) ImportImage(ctx context.Context, archive, want string) (client.Image, error) {
	ctx = r.ctx(ctx)
	rc, err := openArchive(archive)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", archive, err)
	}
	defer rc.Close()
	imgs, err := r.client.Import(ctx, rc,
		client.WithDigestRef(func(d digest.Digest) string { return imagePrefix + d.String() }),
		client.WithSkipDigestRef(func(string) bool { return false }),
		client.WithImageRefTranslator(func(string) string { return "" }))
	if err != nil {
		return nil, fmt.Errorf("import image %s: %w", archive, wrapErr(err))
	}
	var found []images.Image
	for _, i := range imgs {
		if !strings.HasPrefix(i.Name, imagePrefix) {
			continue
		}
		if want == "" || i.Target.Digest.String() == want {
			found = append(found, i)
		}
	}
	switch {
	case len(found) == 0 && want != "":
		return nil, fmt.Errorf("image %s has no manifest %s: %w", archive, want, runtime.ErrInvalid)
	case len(found) != 1:
		return nil, fmt.Errorf("image %s holds %d images; give the digest: %w", archive, len(found), runtime.ErrInvalid)
	}
	return client.NewImage(r.client, found[0]), nil
}

// openArchive returns a tar stream of path: the file itself, or a tar made
// on the fly of an OCI layout directory.
func openArchive(path string) (io.ReadCloser, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return os.Open(path)
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil || p == path {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if !d.IsDir() && !info.Mode().IsRegular() {
				return nil
			}
			hdr, err := tar.FileInfoHeader(info, "")
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(path, p)
			hdr.Name = filepath.ToSlash(rel)
			if d.IsDir() {
				hdr.Name += "/"
			}
			if err := tw.WriteHeader(hdr); err != nil || d.IsDir() {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		})
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, nil
}
