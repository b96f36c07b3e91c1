// Package oci reads container images without a registry — from a `docker
// save` archive, an OCI image layout (directory or tar) or a local containerd
// store — and writes an image as an OCI layout tar, the form bundles carry
// and containerd's client.Import reads.
package oci

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Annotations naming an image in an index.
const (
	AnnotationRefName       = "org.opencontainers.image.ref.name"
	AnnotationContainerdRef = "io.containerd.image.name"
)

// MaxMetadataSize caps manifests, configs and index files read from archives.
const MaxMetadataSize = 4 << 20

// ErrNotFound means the source holds no image matching the request.
var ErrNotFound = errors.New("image not found")

// Load opens the image at src: an OCI layout directory, an OCI layout tar or
// a docker archive. ref selects one image when the source holds several
// (matched against the ref-name annotations or docker tags); empty takes the
// only one. Images are read lazily: blobs stream from the source when written.
func Load(src, ref string) (v1.Image, error) {
	fi, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("open image %s: %w", src, err)
	}
	if fi.IsDir() {
		idx, err := layout.ImageIndexFromPath(src)
		if err != nil {
			return nil, fmt.Errorf("open OCI layout %s: %w", src, err)
		}
		img, err := pickImage(idx, ref)
		if err != nil {
			return nil, fmt.Errorf("OCI layout %s: %w", src, err)
		}
		return img, nil
	}
	ta, err := openTarArchive(src)
	if err != nil {
		return nil, fmt.Errorf("open image archive %s: %w", src, err)
	}
	// Docker ≥ 25 writes an OCI layout and a manifest.json in one archive:
	// prefer the layout, whose blobs are used as stored.
	if ta.has("oci-layout") && ta.has("index.json") {
		img, err := pickImage(ta, ref)
		if err != nil {
			return nil, fmt.Errorf("OCI archive %s: %w", src, err)
		}
		return img, nil
	}
	if ta.has("manifest.json") {
		img, err := tarball.ImageFromPath(src, nil)
		if ref != "" {
			img, err = dockerImage(src, ref)
		}
		if err != nil {
			return nil, fmt.Errorf("docker archive %s: %w", src, err)
		}
		return img, nil
	}
	return nil, fmt.Errorf("%s: neither an OCI layout nor a docker archive", src)
}

func dockerImage(src, ref string) (v1.Image, error) {
	m, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(src) })
	if err != nil {
		return nil, err
	}
	for _, d := range m {
		for _, tag := range d.RepoTags {
			if tag == ref || strings.TrimPrefix(tag, "docker.io/library/") == ref {
				t, err := parseTag(tag)
				if err != nil {
					return nil, err
				}
				return tarball.ImageFromPath(src, t)
			}
		}
	}
	return nil, fmt.Errorf("%w: no tag %q", ErrNotFound, ref)
}

// indexLike is what pickImage needs from an OCI index.
type indexLike interface {
	IndexManifest() (*v1.IndexManifest, error)
	Image(v1.Hash) (v1.Image, error)
	ImageIndex(v1.Hash) (v1.ImageIndex, error)
}

// pickImage selects the image named ref (or the only one) from an index,
// descending into a multi-platform index for linux/GOARCH.
func pickImage(idx indexLike, ref string) (v1.Image, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var cands []v1.Descriptor
	for _, d := range im.Manifests {
		if ref == "" || refMatches(d.Annotations, ref) {
			cands = append(cands, d)
		}
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: no image named %q", ErrNotFound, ref)
	}
	if len(cands) > 1 {
		var plat []v1.Descriptor
		for _, d := range cands {
			if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == runtime.GOARCH {
				plat = append(plat, d)
			}
		}
		if len(plat) != 1 {
			return nil, fmt.Errorf("%d images; name one with a reference", len(cands))
		}
		cands = plat
	}
	d := cands[0]
	switch {
	case d.MediaType.IsImage():
		return idx.Image(d.Digest)
	case d.MediaType.IsIndex():
		sub, err := idx.ImageIndex(d.Digest)
		if err != nil {
			return nil, err
		}
		return pickImage(sub, "")
	}
	return nil, fmt.Errorf("unsupported media type %s", d.MediaType)
}

func refMatches(ann map[string]string, ref string) bool {
	for _, k := range []string{AnnotationContainerdRef, AnnotationRefName} {
		v := ann[k]
		if v == "" {
			continue
		}
		if v == ref || strings.TrimPrefix(v, "docker.io/library/") == ref ||
			(k == AnnotationRefName && strings.HasSuffix(ref, ":"+v)) {
			return true
		}
	}
	return false
}

// tarArchive is an OCI layout inside a tar file, read in place: entries are
// located once and then read through section readers.
type tarArchive struct {
	f       *os.File
	entries map[string]tarEntry
}

type tarEntry struct{ off, size int64 }

func openTarArchive(p string) (*tarArchive, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	ta := &tarArchive{f: f, entries: map[string]tarEntry{}}
	cr := &countingReader{r: f}
	tr := tar.NewReader(cr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		// After Next the reader sits at the start of the entry's data.
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		ta.entries[name] = tarEntry{off: cr.n, size: h.Size}
		if len(ta.entries) > 1<<16 {
			f.Close()
			return nil, fmt.Errorf("too many entries")
		}
	}
	return ta, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (ta *tarArchive) has(name string) bool { _, ok := ta.entries[name]; return ok }

func (ta *tarArchive) open(name string) (*io.SectionReader, error) {
	e, ok := ta.entries[name]
	if !ok {
		return nil, fmt.Errorf("%w: %s missing from archive", ErrNotFound, name)
	}
	return io.NewSectionReader(ta.f, e.off, e.size), nil
}

func (ta *tarArchive) readSmall(name string) ([]byte, error) {
	r, err := ta.open(name)
	if err != nil {
		return nil, err
	}
	if r.Size() > MaxMetadataSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxMetadataSize)
	}
	return io.ReadAll(r)
}

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

func (ta *tarArchive) IndexManifest() (*v1.IndexManifest, error) {
	b, err := ta.readSmall("index.json")
	if err != nil {
		return nil, err
	}
	return v1.ParseIndexManifest(bytes.NewReader(b))
}

func (ta *tarArchive) Image(h v1.Hash) (v1.Image, error) {
	raw, err := ta.readSmall(blobName(h))
	if err != nil {
		return nil, err
	}
	if got, _, _ := v1.SHA256(bytes.NewReader(raw)); got != h {
		return nil, fmt.Errorf("manifest %s: digest mismatch", h)
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&tarImage{ta: ta, raw: raw, m: m})
}

func (ta *tarArchive) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	return nil, fmt.Errorf("nested index %s in a tar archive: extract it to a directory first", h)
}

type tarImage struct {
	ta  *tarArchive
	raw []byte
	m   *v1.Manifest
}

func (i *tarImage) RawConfigFile() ([]byte, error) {
	return i.ta.readSmall(blobName(i.m.Config.Digest))
}
func (i *tarImage) MediaType() (types.MediaType, error) {
	if i.m.MediaType != "" {
		return i.m.MediaType, nil
	}
	return types.OCIManifestSchema1, nil
}
func (i *tarImage) RawManifest() ([]byte, error) { return i.raw, nil }
func (i *tarImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h == i.m.Config.Digest {
		return &tarLayer{ta: i.ta, d: i.m.Config}, nil
	}
	for _, l := range i.m.Layers {
		if l.Digest == h {
			return &tarLayer{ta: i.ta, d: l}, nil
		}
	}
	return nil, fmt.Errorf("%w: layer %s", ErrNotFound, h)
}

type tarLayer struct {
	ta *tarArchive
	d  v1.Descriptor
}

func (l *tarLayer) Digest() (v1.Hash, error)            { return l.d.Digest, nil }
func (l *tarLayer) Size() (int64, error)                { return l.d.Size, nil }
func (l *tarLayer) MediaType() (types.MediaType, error) { return l.d.MediaType, nil }
func (l *tarLayer) Compressed() (io.ReadCloser, error) {
	r, err := l.ta.open(blobName(l.d.Digest))
	if err != nil {
		return nil, err
	}
	if r.Size() != l.d.Size {
		return nil, fmt.Errorf("blob %s: size %d, manifest says %d", l.d.Digest, r.Size(), l.d.Size)
	}
	return io.NopCloser(r), nil
}

// Info is what a bundle records about an image.
type Info struct {
	Digest v1.Hash // of the image manifest
	Size   int64   // of the OCI layout tar WriteLayoutTar produces
}

// blobs lists the blobs of img in the order WriteLayoutTar writes them.
type blob struct {
	digest v1.Hash
	size   int64
	small  []byte                        // manifest and config, held in memory
	open   func() (io.ReadCloser, error) // layers
}

func imageBlobs(img v1.Image) (manifest []byte, mdesc v1.Descriptor, blobs []blob, err error) {
	raw, err := img.RawManifest()
	if err != nil {
		return nil, mdesc, nil, err
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, mdesc, nil, err
	}
	mt := m.MediaType
	if mt == "" {
		mt = types.OCIManifestSchema1
	}
	dg, size, _ := v1.SHA256(bytes.NewReader(raw))
	mdesc = v1.Descriptor{MediaType: mt, Digest: dg, Size: size}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return nil, mdesc, nil, err
	}
	seen := map[v1.Hash]bool{dg: true, m.Config.Digest: true}
	blobs = append(blobs, blob{digest: m.Config.Digest, size: int64(len(cfg)), small: cfg})
	layers, err := img.Layers()
	if err != nil {
		return nil, mdesc, nil, err
	}
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return nil, mdesc, nil, err
		}
		if seen[d] {
			continue
		}
		seen[d] = true
		s, err := l.Size()
		if err != nil {
			return nil, mdesc, nil, err
		}
		blobs = append(blobs, blob{digest: d, size: s, open: l.Compressed})
	}
	blobs = append(blobs, blob{digest: dg, size: size, small: raw})
	return raw, mdesc, blobs, nil
}

// Inspect returns the manifest digest of img and the exact size of its OCI
// layout tar, without reading layer contents (for layout and archive sources).
func Inspect(img v1.Image, ref string) (Info, error) {
	_, mdesc, blobs, err := imageBlobs(img)
	if err != nil {
		return Info{}, err
	}
	n := int64(1024) // end-of-archive marker
	n += tarEntrySize(int64(len(ociLayoutFile)))
	idx, err := indexJSON(mdesc, ref)
	if err != nil {
		return Info{}, err
	}
	n += tarEntrySize(int64(len(idx)))
	for _, b := range blobs {
		n += tarEntrySize(b.size)
	}
	return Info{Digest: mdesc.Digest, Size: n}, nil
}

func tarEntrySize(n int64) int64 { return 512 + (n+511)/512*512 }

const ociLayoutFile = `{"imageLayoutVersion":"1.0.0"}`

func indexJSON(mdesc v1.Descriptor, ref string) ([]byte, error) {
	if ref != "" {
		mdesc.Annotations = map[string]string{AnnotationRefName: ref, AnnotationContainerdRef: ref}
	}
	return json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{mdesc}})
}

// WriteLayoutTar writes img as an OCI layout tar (oci-layout, index.json
// naming the image ref, blobs/sha256/...) with fixed timestamps, so the same
// image always gives the same bytes. Layer digests are verified as they
// stream. It returns the manifest digest and the bytes written.
func WriteLayoutTar(w io.Writer, img v1.Image, ref string) (Info, error) {
	_, mdesc, blobs, err := imageBlobs(img)
	if err != nil {
		return Info{}, err
	}
	cw := &countingWriter{w: w}
	tw := tar.NewWriter(cw)
	put := func(name string, size int64, r io.Reader) error {
		h := &tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		n, err := io.Copy(tw, r)
		if err != nil {
			return err
		}
		if n != size {
			return fmt.Errorf("%s: %d bytes, expected %d", name, n, size)
		}
		return nil
	}
	if err := put("oci-layout", int64(len(ociLayoutFile)), strings.NewReader(ociLayoutFile)); err != nil {
		return Info{}, err
	}
	idx, err := indexJSON(mdesc, ref)
	if err != nil {
		return Info{}, err
	}
	if err := put("index.json", int64(len(idx)), bytes.NewReader(idx)); err != nil {
		return Info{}, err
	}
	for _, b := range blobs {
		if b.small != nil {
			if err := put(blobName(b.digest), b.size, bytes.NewReader(b.small)); err != nil {
				return Info{}, err
			}
			continue
		}
		rc, err := b.open()
		if err != nil {
			return Info{}, fmt.Errorf("layer %s: %w", b.digest, err)
		}
		vr := newVerifier(rc, b.digest)
		err = put(blobName(b.digest), b.size, vr)
		rc.Close()
		if err == nil {
			err = vr.check()
		}
		if err != nil {
			return Info{}, fmt.Errorf("layer %s: %w", b.digest, err)
		}
	}
	if err := tw.Close(); err != nil {
		return Info{}, err
	}
	return Info{Digest: mdesc.Digest, Size: cw.n}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// LoadTar opens an OCI layout tar (as WriteLayoutTar writes it) by path.
func LoadTar(p string) (v1.Image, error) {
	return Load(p, "")
}

func parseTag(s string) (*name.Tag, error) {
	t, err := name.NewTag(s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// verifier hashes what it reads and compares with the expected digest at EOF.
type verifier struct {
	r    io.Reader
	h    hash.Hash
	want v1.Hash
}

func newVerifier(r io.Reader, want v1.Hash) *verifier {
	return &verifier{r: r, h: sha256.New(), want: want}
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	return n, err
}

func (v *verifier) check() error {
	if v.want.Algorithm != "sha256" {
		return nil
	}
	if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
		return fmt.Errorf("digest mismatch: content is sha256:%s", got)
	}
	return nil
}
