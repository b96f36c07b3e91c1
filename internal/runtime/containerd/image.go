package containerd

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/errdefs"
	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/trustedpods/tpod/internal/runtime"
)

// imagePrefix names imported images by digest: tpod.local/image@sha256:...
const imagePrefix = "tpod.local/image@"

// ensureImage returns the image a container runs, importing its archive
// first if needed (skipped when Digest names an image already present), and
// unpacks it for the overlayfs snapshotter. The caller holds imageMu for
// reading until the container using the image exists (see collectImages).
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
		// collectImages drops the entry when it removes the image, so the
		// lookup can be skipped until then.
		r.mu.Lock()
		r.images[im.Digest] = img
		r.mu.Unlock()
	}
	return img, nil
}

// collectImages removes the images this runtime imported that no pod uses
// any more (the last pod using one was deleted or updated to another), with
// their content and unpacked snapshots (containerd collects those once the
// image is gone). Images given by Ref are the operator's and never removed.
// It holds imageMu for writing: a Create or Update holds it for reading from
// its image lookup until its containers exist, so an image a pod is being
// created from is never removed under it, and no cached handle outlives its
// image.
func (r *Runtime) collectImages(ctx context.Context) {
	ctx = r.ctx(ctx)
	r.imageMu.Lock()
	defer r.imageMu.Unlock()
	used, err := r.usedImages(ctx)
	if err != nil {
		r.log.Warn("collect images: which images pods use", "err", err)
		return
	}
	imgs, err := r.client.ImageService().List(ctx)
	if err != nil {
		r.log.Warn("collect images: list", "err", wrapErr(err))
		return
	}
	var gone []string
	for _, im := range imgs {
		d, ours := strings.CutPrefix(im.Name, imagePrefix)
		if !ours || used[d] || used[im.Target.Digest.String()] {
			continue
		}
		gone = append(gone, im.Name)
		r.mu.Lock()
		delete(r.images, d)
		r.mu.Unlock()
	}
	for i, name := range gone {
		var opts []images.DeleteOpt
		if i == len(gone)-1 {
			opts = append(opts, images.SynchronousDelete()) // content and snapshots go now
		}
		if err := r.client.ImageService().Delete(ctx, name, opts...); err != nil && !errdefs.IsNotFound(err) {
			r.log.Warn("collect images: delete", "image", name, "err", wrapErr(err))
			continue
		}
		r.log.Debug("image collected", "image", name)
	}
}

// usedImages is the set of manifest digests pods use: those their states
// record, those their specs pin, and those of every container in our
// namespace (which also covers pods of another process sharing it).
func (r *Runtime) usedImages(ctx context.Context) (map[string]bool, error) {
	states, err := r.loadAll()
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, st := range states {
		for _, d := range st.Images {
			used[d] = true
		}
		for _, c := range st.Spec.AllContainers() {
			if c.Image.Digest != "" {
				used[c.Image.Digest] = true
			}
		}
	}
	conts, err := r.client.ContainerService().List(ctx)
	if err != nil {
		return nil, wrapErr(err)
	}
	for _, c := range conts {
		if d, ok := strings.CutPrefix(c.Image, imagePrefix); ok {
			used[d] = true
		}
	}
	return used, nil
}

// ImportImage imports an OCI image archive (a tar of an OCI layout or of
// `docker save`, or an OCI layout directory) and returns the image with the
// given manifest digest, or the only image of the archive if want is "".
// Images are named tpod.local/image@<digest>, and by nothing else: the names
// an archive carries (its publisher's) are dropped before the import, so an
// archive can neither take over another image's name nor keep content alive
// under a name collectImages does not know.
func (r *Runtime) ImportImage(ctx context.Context, archive, want string) (client.Image, error) {
	ctx = r.ctx(ctx)
	rc, err := openArchive(archive)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", archive, err)
	}
	defer rc.Close()
	imgs, err := r.client.Import(ctx, withoutNames(rc),
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

// maxIndexSize caps the index.json or manifest.json withoutNames rewrites.
const maxIndexSize = 4 << 20

// withoutNames passes an image archive's tar stream through with the image
// names removed: the io.containerd.image.name and
// org.opencontainers.image.ref.name annotations of index.json's manifests,
// and the RepoTags of a docker archive's manifest.json. containerd's import
// creates (or moves) an image of each such name. The files are found and
// decoded the way containerd's importer does (path.Clean of the entry name,
// regular files, Go's case-insensitive JSON field names) and written back
// as the structures it decodes them into.
func withoutNames(r io.Reader) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		tr, tw := tar.NewReader(r), tar.NewWriter(pw)
		err := func() error {
			for {
				hdr, err := tr.Next()
				if err == io.EOF {
					return tw.Close()
				}
				if err != nil {
					return err
				}
				name := path.Clean(hdr.Name)
				//nolint:staticcheck // TypeRegA: containerd reads such entries too
				regular := hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA
				if regular && (name == "index.json" || name == "manifest.json") {
					b, err := io.ReadAll(io.LimitReader(tr, maxIndexSize+1))
					if err != nil {
						return err
					}
					if len(b) > maxIndexSize {
						return fmt.Errorf("%s is larger than %d bytes", name, maxIndexSize)
					}
					if b, err = stripNames(name, b); err != nil {
						return err
					}
					hdr.Size = int64(len(b))
					if err := tw.WriteHeader(hdr); err != nil {
						return err
					}
					if _, err := tw.Write(b); err != nil {
						return err
					}
					continue
				}
				if err := tw.WriteHeader(hdr); err != nil {
					return err
				}
				if _, err := io.Copy(tw, tr); err != nil {
					return err
				}
			}
		}()
		pw.CloseWithError(err)
	}()
	return pr
}

// dockerManifest is an entry of a docker archive's manifest.json, as
// containerd's importer reads it, without the RepoTags it would name an
// image after.
type dockerManifest struct {
	Config string
	Layers []string
}

// stripNames removes image names from an OCI index.json or a docker
// manifest.json.
func stripNames(name string, b []byte) ([]byte, error) {
	if name == "manifest.json" {
		var ms []dockerManifest
		if err := json.Unmarshal(b, &ms); err != nil {
			return nil, fmt.Errorf("manifest.json: %w", err)
		}
		return json.Marshal(ms)
	}
	var idx ocispec.Index
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	for i := range idx.Manifests {
		ann := idx.Manifests[i].Annotations
		delete(ann, images.AnnotationImageName)
		delete(ann, ocispec.AnnotationRefName)
		if len(ann) == 0 {
			idx.Manifests[i].Annotations = nil
		}
	}
	return json.Marshal(idx)
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
