package bundle

import (
	"bytes"
	"crypto/ecdh"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/trustedpods/tpod/internal/manifest"
)

// OpenOptions bound what Open accepts.
type OpenOptions struct {
	// MaxSize caps the whole bundle (header plus blobs); 0 means 16 GiB.
	MaxSize int64
	// Progress, if set, is called as plaintext bytes are decrypted.
	Progress func(done, total int64)
	// Check, if set, is called with the parsed header before the data key
	// is unwrapped; an error stops the open (a provider passes its
	// Header.CheckBinding here, so nothing of a bundle bound to another
	// order is ever decrypted).
	Check func(*Header) error
	// Unwrap, if set, returns the bundle's data key instead of a key
	// exchanger (NewReader's kx is then nil): a provider's daemon asks its
	// signing core, which holds the private key and returns only this
	// bundle's data key (docs/attestation.md).
	Unwrap func(*Header) ([]byte, error)
}

// BlobError names the blob a failure happened in.
type BlobError struct {
	Index int
	Kind  string
	Name  string // image ref or secret name, once known
	Err   error
}

// Error names the blob and what was wrong with it.
func (e *BlobError) Error() string { return blobName(e.Index, e.Kind, e.Name) + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *BlobError) Unwrap() error { return e.Err }

// Reader decrypts a bundle as a stream, blob after blob.
type Reader struct {
	r      io.Reader
	header *Header
	keys   *keys
	index  Index
	pod    *manifest.Pod
	next   int
	cur    *Blob
	opts   OpenOptions
	done   int64
	total  int64
}

// Blob is one decrypted blob. Read it to the end: a blob is authentic only
// once Read has returned io.EOF.
type Blob struct {
	Index  int
	Kind   string
	Name   string // image ref or secret name
	Digest string // image manifest digest
	Size   int64
	r      *openReader
	owner  *Reader
}

// Read returns decrypted bytes; errors are *BlobError.
func (b *Blob) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 && b.owner.opts.Progress != nil {
		b.owner.done += int64(n)
		b.owner.opts.Progress(b.owner.done, b.owner.total)
	}
	if err != nil && err != io.EOF {
		return n, &BlobError{Index: b.Index, Kind: b.Kind, Name: b.Name, Err: err}
	}
	return n, err
}

// NewReader reads the header from r, unwraps the data key with kx (a private
// key or an enclave's opaque KeyExchanger), authenticates the whole header
// and decrypts the manifest blob. Then Next returns the other blobs in order.
func NewReader(r io.Reader, kx ecdh.KeyExchanger, opts OpenOptions) (*Reader, error) {
	if opts.MaxSize == 0 {
		opts.MaxSize = 16 << 30
	}
	h, err := ReadHeader(r)
	if err != nil {
		return nil, err
	}
	if h.TotalSize() > opts.MaxSize {
		return nil, fmt.Errorf("bundle of %d bytes: %w (%d)", h.TotalSize(), ErrTooLarge, opts.MaxSize)
	}
	if opts.Check != nil {
		if err := opts.Check(h); err != nil {
			return nil, err
		}
	}
	var dk []byte
	switch {
	case opts.Unwrap != nil:
		dk, err = opts.Unwrap(h)
		if err == nil && len(dk) != 32 {
			err = fmt.Errorf("header: data key of %d bytes: %w", len(dk), ErrTampered)
		}
	case kx != nil:
		dk, err = unwrapKey(h, kx)
	default:
		err = errors.New("bundle: no key to open it with")
	}
	if err != nil {
		return nil, err
	}
	k, err := headerKeys(h, dk)
	if err != nil {
		return nil, err
	}
	br := &Reader{r: r, header: h, keys: k, opts: opts}
	for _, b := range h.Core.Blobs {
		br.total += b.Size
	}
	// Blob 0: the index with the pod.
	b, err := br.open(0, "")
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(b)
	if err != nil {
		return nil, err
	}
	if err := br.parseIndex(data); err != nil {
		return nil, &BlobError{Index: 0, Kind: KindManifest, Err: err}
	}
	return br, nil
}

var secretNameRe = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,126}[A-Za-z0-9])?$`)

func (br *Reader) parseIndex(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&br.index); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	pod, err := manifest.ParseCanonical(br.index.Pod)
	if err != nil {
		return err
	}
	br.pod = pod
	blobs := br.header.Core.Blobs
	if 1+len(br.index.Images)+len(br.index.Secrets) != len(blobs) {
		return fmt.Errorf("index names %d blobs, header has %d", 1+len(br.index.Images)+len(br.index.Secrets), len(blobs))
	}
	for i := range br.index.Images {
		if blobs[1+i].Kind != KindImage {
			return fmt.Errorf("blob %d: header says %s, index says image", 1+i, blobs[1+i].Kind)
		}
	}
	// The index must agree with the pod and the header's clear-text claims.
	imgs := pod.Images()
	if len(imgs) != len(br.index.Images) {
		return fmt.Errorf("pod uses %d images, index has %d", len(imgs), len(br.index.Images))
	}
	for i, e := range br.index.Images {
		if e.Ref != imgs[i] {
			return fmt.Errorf("image %d is %q, pod says %q", i, e.Ref, imgs[i])
		}
		for _, c := range pod.AllContainers() {
			if c.Image == e.Ref && c.ImageDigest != e.Digest {
				return fmt.Errorf("container %s pins %s, bundle has %s", c.Name, c.ImageDigest, e.Digest)
			}
		}
	}
	secrets := pod.Secrets()
	if len(secrets) != len(br.index.Secrets) {
		return fmt.Errorf("pod uses %d secrets, index has %d", len(secrets), len(br.index.Secrets))
	}
	for i, s := range br.index.Secrets {
		if s.Name != secrets[i] || !secretNameRe.MatchString(s.Name) {
			return fmt.Errorf("secret %d is %q, pod says %q", i, s.Name, secrets[i])
		}
	}
	t := pod.Totals()
	want := Resources{CPUMilli: t.CPUMilli, MemoryMiB: t.MemoryMiB, StorageMiB: t.StorageMiB, GPUMilli: t.GPUMilli, PersistentMiB: t.PersistentMiB}
	if br.header.Core.Resources != want || br.header.Core.Scale != (ScaleRange{pod.Scale.Min, pod.Scale.Max}) {
		return fmt.Errorf("header resources or scale differ from the pod's")
	}
	return nil
}

func (br *Reader) open(i int, name string) (*Blob, error) {
	info := br.header.Core.Blobs[i]
	a, err := br.keys.blob(i)
	if err != nil {
		return nil, err
	}
	b := &Blob{Index: i, Kind: info.Kind, Name: name, Size: info.Size, owner: br,
		r: newOpenReader(br.r, a, br.header.Core.ChunkSize, info.Size)}
	br.cur = b
	br.next = i + 1
	return b, nil
}

// Header is the bundle's authenticated header.
func (br *Reader) Header() *Header { return br.header }

// Pod is the decrypted, validated pod with image digests pinned.
func (br *Reader) Pod() *manifest.Pod { return br.pod }

// Index lists the images and secrets in blob order.
func (br *Reader) Index() Index { return br.index }

// Next returns the next blob, after checking the previous one was read to
// its end. After the last blob it checks nothing follows and returns io.EOF.
func (br *Reader) Next() (*Blob, error) {
	if br.cur != nil {
		// Drain what the caller left: it must still authenticate.
		if _, err := io.Copy(io.Discard, br.cur); err != nil {
			return nil, err
		}
	}
	if br.next >= len(br.header.Core.Blobs) {
		var one [1]byte
		if n, _ := io.ReadFull(br.r, one[:]); n > 0 {
			return nil, fmt.Errorf("%w: data after the last blob", ErrFormat)
		}
		return nil, io.EOF
	}
	i := br.next
	var name, digest string
	if k := i - 1; k < len(br.index.Images) {
		name, digest = br.index.Images[k].Ref, br.index.Images[k].Digest
	} else {
		name = br.index.Secrets[k-len(br.index.Images)].Name
	}
	b, err := br.open(i, name)
	if err != nil {
		return nil, err
	}
	b.Digest = digest
	return b, nil
}

// Contents is a bundle opened to disk: images as OCI layout tars, secrets in
// memory.
type Contents struct {
	Header  *Header
	Pod     *manifest.Pod
	Images  []ExtractedImage
	Secrets map[string][]byte
}

// ExtractedImage is an image written by Extract.
type ExtractedImage struct {
	Ref    string
	Digest string
	Path   string // OCI layout tar, ready for containerd's client.Import
}

// Extract decrypts a whole bundle, writing each image to dir/image-N.tar
// (mode 0600). On any error it removes what it wrote.
func Extract(r io.Reader, kx ecdh.KeyExchanger, dir string, opts OpenOptions) (_ *Contents, err error) {
	br, err := NewReader(r, kx, opts)
	if err != nil {
		return nil, err
	}
	c := &Contents{Header: br.Header(), Pod: br.Pod(), Secrets: map[string][]byte{}}
	defer func() {
		if err != nil {
			for _, im := range c.Images {
				os.Remove(im.Path)
			}
		}
	}()
	for {
		b, err := br.Next()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		switch b.Kind {
		case KindImage:
			p := filepath.Join(dir, fmt.Sprintf("image-%d.tar", len(c.Images)))
			f, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
			if err != nil {
				return nil, err
			}
			c.Images = append(c.Images, ExtractedImage{Ref: b.Name, Digest: b.Digest, Path: p})
			_, err = io.Copy(f, b)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, err
			}
		case KindSecret:
			v, err := io.ReadAll(b)
			if err != nil {
				return nil, err
			}
			c.Secrets[b.Name] = v
		}
	}
}
