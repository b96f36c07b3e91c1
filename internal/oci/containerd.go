package oci

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"runtime"
	"strings"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/content"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	digest "github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ContainerdSource is an image in a local containerd's content store.
type ContainerdSource struct {
	Socket    string // e.g. /run/containerd/containerd.sock
	Namespace string // default "default"
	Ref       string // image name in the store
}

// ParseContainerdSource reads "containerd://SOCKET[?namespace=NS][&ref=NAME]";
// ref defaults to defRef. ok is false when s is not a containerd source.
func ParseContainerdSource(s, defRef string) (src ContainerdSource, ok bool, err error) {
	rest, found := strings.CutPrefix(s, "containerd://")
	if !found {
		return src, false, nil
	}
	sock, query, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return src, true, fmt.Errorf("%s: %w", s, err)
	}
	src = ContainerdSource{Socket: sock, Namespace: q.Get("namespace"), Ref: q.Get("ref")}
	if src.Namespace == "" {
		src.Namespace = "default"
	}
	if src.Ref == "" {
		src.Ref = defRef
	}
	if src.Socket == "" || src.Ref == "" {
		return src, true, fmt.Errorf("%s: want containerd:///path/to/containerd.sock[?namespace=NS][&ref=NAME]", s)
	}
	return src, true, nil
}

// LoadContainerd opens an image of a local containerd store. Blobs stream
// from the content store when the image is written; Close the returned
// closer (the client connection) afterwards. A multi-platform image gives
// its linux/GOARCH manifest.
func LoadContainerd(ctx context.Context, src ContainerdSource) (v1.Image, io.Closer, error) {
	c, err := client.New(src.Socket, client.WithDefaultNamespace(src.Namespace))
	if err != nil {
		return nil, nil, fmt.Errorf("containerd %s: %w", src.Socket, err)
	}
	ctx = namespaces.WithNamespace(context.WithoutCancel(ctx), src.Namespace)
	img, err := c.ImageService().Get(ctx, src.Ref)
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("containerd image %s: %w", src.Ref, err)
	}
	cs := c.ContentStore()
	desc := img.Target
	for range 4 { // descend through at most a few indexes
		raw, err := readSmallBlob(ctx, cs, desc)
		if err != nil {
			c.Close()
			return nil, nil, err
		}
		mt := types.MediaType(desc.MediaType)
		if mt.IsImage() {
			m, err := v1.ParseManifest(bytes.NewReader(raw))
			if err != nil {
				c.Close()
				return nil, nil, err
			}
			im, err := partial.CompressedToImage(&ctrdImage{ctx: ctx, cs: cs, raw: raw, m: m, mt: mt})
			if err != nil {
				c.Close()
				return nil, nil, err
			}
			return im, c, nil
		}
		if !mt.IsIndex() {
			c.Close()
			return nil, nil, fmt.Errorf("containerd image %s: unsupported media type %s", src.Ref, mt)
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
		if err != nil {
			c.Close()
			return nil, nil, err
		}
		found := false
		for _, d := range idx.Manifests {
			if len(idx.Manifests) == 1 || (d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == runtime.GOARCH) {
				desc = ocispec.Descriptor{MediaType: string(d.MediaType), Digest: digest.Digest(d.Digest.String()), Size: d.Size}
				found = true
				break
			}
		}
		if !found {
			c.Close()
			return nil, nil, fmt.Errorf("containerd image %s: %w: no linux/%s manifest", src.Ref, ErrNotFound, runtime.GOARCH)
		}
	}
	c.Close()
	return nil, nil, fmt.Errorf("containerd image %s: indexes nested too deeply", src.Ref)
}

func readSmallBlob(ctx context.Context, cs content.Provider, d ocispec.Descriptor) ([]byte, error) {
	if d.Size > MaxMetadataSize {
		return nil, fmt.Errorf("blob %s: larger than %d bytes", d.Digest, MaxMetadataSize)
	}
	b, err := content.ReadBlob(ctx, cs, d)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", d.Digest, err)
	}
	if digest.FromBytes(b) != d.Digest {
		return nil, fmt.Errorf("blob %s: digest mismatch", d.Digest)
	}
	return b, nil
}

type ctrdImage struct {
	ctx context.Context
	cs  content.Provider
	raw []byte
	m   *v1.Manifest
	mt  types.MediaType
}

func toOCI(d v1.Descriptor) ocispec.Descriptor {
	return ocispec.Descriptor{MediaType: string(d.MediaType), Digest: digest.Digest(d.Digest.String()), Size: d.Size}
}

func (i *ctrdImage) RawConfigFile() ([]byte, error) {
	return readSmallBlob(i.ctx, i.cs, toOCI(i.m.Config))
}
func (i *ctrdImage) MediaType() (types.MediaType, error) { return i.mt, nil }
func (i *ctrdImage) RawManifest() ([]byte, error)        { return i.raw, nil }
func (i *ctrdImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, l := range append([]v1.Descriptor{i.m.Config}, i.m.Layers...) {
		if l.Digest == h {
			return &ctrdLayer{img: i, d: l}, nil
		}
	}
	return nil, fmt.Errorf("%w: layer %s", ErrNotFound, h)
}

type ctrdLayer struct {
	img *ctrdImage
	d   v1.Descriptor
}

func (l *ctrdLayer) Digest() (v1.Hash, error)            { return l.d.Digest, nil }
func (l *ctrdLayer) Size() (int64, error)                { return l.d.Size, nil }
func (l *ctrdLayer) MediaType() (types.MediaType, error) { return l.d.MediaType, nil }
func (l *ctrdLayer) Compressed() (io.ReadCloser, error) {
	ra, err := l.img.cs.ReaderAt(l.img.ctx, toOCI(l.d))
	if err != nil {
		return nil, fmt.Errorf("layer %s: %w", l.d.Digest, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.NewSectionReader(ra, 0, ra.Size()), ra}, nil
}
