package bundle

import (
	"bufio"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/payment"
)

// Index is the content of the manifest blob (blob 0): the canonical pod and
// the names of the other blobs, in order.
type Index struct {
	Pod     json.RawMessage `json:"pod"`
	Images  []ImageEntry    `json:"images"`
	Secrets []SecretEntry   `json:"secrets"`
}

// ImageEntry names an image blob.
type ImageEntry struct {
	Ref    string `json:"ref"`    // as the containers write it
	Digest string `json:"digest"` // manifest digest, "sha256:..."
}

// SecretEntry names a secret blob.
type SecretEntry struct {
	Name string `json:"name"`
}

// BuildOptions are the inputs of Build besides the pod.
type BuildOptions struct {
	Recipients []*ecdh.PublicKey
	// Binding is the order the bundle is for; Signer, the publisher's key,
	// signs it. ChannelID is computed when zero, IssuedAt is now when zero.
	// Without a binding the bundle is unbound: it opens with a recipient's
	// key, but no provider deploys it.
	Binding *Binding
	Signer  payment.Signer
	// Images maps every image reference the pod's containers use to an image.
	Images map[string]v1.Image
	// Secrets maps every secret name the pod's secret volumes use to its value.
	Secrets map[string][]byte
	// ChunkSize is the AEAD chunk size (power of two); 0 means DefaultChunkSize.
	ChunkSize int
	// Progress, if set, is called as plaintext bytes are encrypted.
	Progress func(done, total int64)
}

// Result describes a built bundle.
type Result struct {
	Header  *Header
	Pod     *manifest.Pod // with image digests pinned
	PodHash [32]byte
	Size    int64 // bytes written
}

// Plan is a bundle whose header is computed; Write streams it. Building in
// two steps lets a caller learn the exact size before writing.
type Plan struct {
	opts    BuildOptions
	header  *Header
	raw     []byte // header with MAC
	keys    *keys
	index   []byte
	pod     *manifest.Pod
	images  []v1.Image
	refs    []string
	secrets [][]byte
}

// Build encrypts pod, its images and secrets into w.
func Build(w io.Writer, pod *manifest.Pod, opts BuildOptions) (*Result, error) {
	p, err := NewPlan(pod, opts)
	if err != nil {
		return nil, err
	}
	return p.Write(w)
}

// NewPlan checks the inputs, pins image digests, and prepares the header.
func NewPlan(pod *manifest.Pod, opts BuildOptions) (*Plan, error) {
	if len(opts.Recipients) == 0 {
		return nil, fmt.Errorf("build bundle: no recipient")
	}
	if len(opts.Recipients) > MaxRecipients {
		return nil, fmt.Errorf("build bundle: %d recipients, at most %d", len(opts.Recipients), MaxRecipients)
	}
	if opts.ChunkSize == 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	if opts.Binding != nil {
		b := *opts.Binding
		if want := common.Hash(payment.ChannelID(b.Publisher, b.Provider, b.PodID)); b.ChannelID == (common.Hash{}) {
			b.ChannelID = want
		} else if b.ChannelID != want {
			return nil, fmt.Errorf("build bundle: channel %s is not the channel of publisher %s, provider %s and pod %s", b.ChannelID.Hex(), b.Publisher.Hex(), b.Provider.Hex(), b.PodID.Hex())
		}
		if b.IssuedAt == 0 {
			b.IssuedAt = uint64(time.Now().Unix())
		}
		if opts.Signer == nil || opts.Signer.Address() != b.Publisher {
			return nil, fmt.Errorf("build bundle: the binding must be signed by its publisher %s", b.Publisher.Hex())
		}
		opts.Binding = &b
	}
	if err := pod.Validate(); err != nil {
		return nil, fmt.Errorf("build bundle: %w", err)
	}
	// Work on a copy: pinning digests must not change the caller's pod.
	cp, err := manifest.ParseCanonical(pod.Canonical())
	if err != nil {
		return nil, fmt.Errorf("build bundle: %w", err)
	}
	p := &Plan{opts: opts, pod: cp}
	core := Core{
		Version: Version, Wrap: SuiteWrap, Cipher: SuiteBlob, ChunkSize: opts.ChunkSize,
		Scale: ScaleRange{Min: cp.Scale.Min, Max: cp.Scale.Max}, Binding: opts.Binding,
	}
	t := cp.Totals()
	core.Resources = Resources{CPUMilli: t.CPUMilli, MemoryMiB: t.MemoryMiB, StorageMiB: t.StorageMiB, GPUMilli: t.GPUMilli, PersistentMiB: t.PersistentMiB}

	var idx Index
	digests := map[string]string{}
	var sizes []int64
	for _, ref := range cp.Images() {
		img, ok := opts.Images[ref]
		if !ok {
			return nil, fmt.Errorf("build bundle: no image given for %q", ref)
		}
		info, err := oci.Inspect(img, ref)
		if err != nil {
			return nil, fmt.Errorf("build bundle: image %s: %w", ref, err)
		}
		if _, d, ok := strings.Cut(ref, "@"); ok && d != info.Digest.String() {
			return nil, fmt.Errorf("build bundle: image %s: given image has digest %s", ref, info.Digest)
		}
		digests[ref] = info.Digest.String()
		idx.Images = append(idx.Images, ImageEntry{Ref: ref, Digest: info.Digest.String()})
		p.images, p.refs = append(p.images, img), append(p.refs, ref)
		sizes = append(sizes, info.Size)
	}
	for ref := range opts.Images {
		if _, ok := digests[ref]; !ok {
			return nil, fmt.Errorf("build bundle: image %q is not used by any container", ref)
		}
	}
	for _, list := range [][]manifest.Container{cp.InitContainers, cp.Containers} {
		for i := range list {
			c := &list[i]
			if c.ImageDigest != "" && c.ImageDigest != digests[c.Image] {
				return nil, fmt.Errorf("build bundle: container %s pins %s but the image is %s", c.Name, c.ImageDigest, digests[c.Image])
			}
			c.ImageDigest = digests[c.Image]
		}
	}
	used := map[string]bool{}
	for _, name := range cp.Secrets() {
		v, ok := opts.Secrets[name]
		if !ok {
			return nil, fmt.Errorf("build bundle: no value given for secret %q", name)
		}
		if len(v) > MaxSecretSize {
			return nil, fmt.Errorf("build bundle: secret %q: larger than %d bytes", name, MaxSecretSize)
		}
		used[name] = true
		idx.Secrets = append(idx.Secrets, SecretEntry{Name: name})
		p.secrets = append(p.secrets, v)
	}
	for name := range opts.Secrets {
		if !used[name] {
			return nil, fmt.Errorf("build bundle: secret %q is not used by any volume", name)
		}
	}
	idx.Pod = cp.Canonical()
	if p.index, err = json.Marshal(idx); err != nil {
		return nil, err
	}
	if len(p.index) > MaxManifestBlob {
		return nil, fmt.Errorf("build bundle: manifest blob larger than %d bytes", MaxManifestBlob)
	}
	core.Blobs = append(core.Blobs, BlobInfo{Kind: KindManifest, Size: int64(len(p.index))})
	for _, s := range sizes {
		core.Blobs = append(core.Blobs, BlobInfo{Kind: KindImage, Size: s})
	}
	for _, s := range p.secrets {
		core.Blobs = append(core.Blobs, BlobInfo{Kind: KindSecret, Size: int64(len(s))})
	}
	if err := core.validate(); err != nil {
		return nil, fmt.Errorf("build bundle: %w", err)
	}

	cb, err := coreBytes(&core)
	if err != nil {
		return nil, err
	}
	if len(cb)-fixedPrefix > MaxCoreSize {
		return nil, fmt.Errorf("build bundle: header core too large")
	}
	dk := make([]byte, 32)
	rand.Read(dk)
	h := &Header{Core: core}
	h.Raw, h.CoreHash, _ = encodeHeader(&core, nil)
	for _, r := range opts.Recipients {
		st, err := wrapKey(r, dk, h.CoreHash)
		if err != nil {
			return nil, fmt.Errorf("build bundle: wrap key: %w", err)
		}
		h.Recipients = append(h.Recipients, st)
	}
	h.Raw, _, err = encodeHeader(&core, h.Recipients)
	if err != nil {
		return nil, err
	}
	h.HeaderHash = sha256.Sum256(h.Raw)
	if b := core.Binding; b != nil {
		sig, err := opts.Signer.SignDigest(b.Digest(h.HeaderHash))
		if err != nil {
			return nil, fmt.Errorf("build bundle: sign the binding: %w", err)
		}
		if len(sig) != sigSize {
			return nil, fmt.Errorf("build bundle: signature of %d bytes", len(sig))
		}
		copy(h.Signature[:], sig)
	}
	h.Raw = append(h.Raw, h.Signature[:]...)
	if p.keys, err = deriveKeys(dk, h.CoreHash); err != nil {
		return nil, err
	}
	if h.MAC, err = p.keys.mac(h.Raw); err != nil {
		return nil, err
	}
	p.header = h
	p.raw = append(append([]byte{}, h.Raw...), h.MAC[:]...)
	return p, nil
}

// Header is the header the plan will write.
func (p *Plan) Header() *Header { return p.header }

// Pod is the pod with image digests pinned.
func (p *Plan) Pod() *manifest.Pod { return p.pod }

// Write streams the bundle to w. Memory use is bounded by the chunk size and
// buffers, whatever the image sizes.
func (p *Plan) Write(w io.Writer) (*Result, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := &countingWriter{w: bw}
	if _, err := cw.Write(p.raw); err != nil {
		return nil, fmt.Errorf("write bundle header: %w", err)
	}
	var total int64
	for _, b := range p.header.Core.Blobs {
		total += b.Size
	}
	var done int64
	progress := func(n int64) {
		done += n
		if p.opts.Progress != nil {
			p.opts.Progress(done, total)
		}
	}
	for i, b := range p.header.Core.Blobs {
		a, err := p.keys.blob(i)
		if err != nil {
			return nil, err
		}
		sw := newSealWriter(cw, a, p.header.Core.ChunkSize, b.Size)
		pw := &progressWriter{w: sw, f: progress}
		name := blobName(i, b.Kind, "")
		switch {
		case i == 0:
			_, err = pw.Write(p.index)
		case b.Kind == KindImage:
			k := i - 1
			name = blobName(i, b.Kind, p.refs[k])
			_, err = oci.WriteLayoutTar(pw, p.images[k], p.refs[k])
		default:
			k := i - 1 - len(p.images)
			name = blobName(i, b.Kind, "")
			_, err = pw.Write(p.secrets[k])
		}
		if err == nil {
			err = sw.Close()
		}
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	if cw.n != p.header.TotalSize() {
		return nil, fmt.Errorf("write bundle: wrote %d bytes, header says %d", cw.n, p.header.TotalSize())
	}
	return &Result{Header: p.header, Pod: p.pod, PodHash: p.pod.Hash(), Size: cw.n}, nil
}

func blobName(i int, kind, name string) string {
	if name == "" {
		return fmt.Sprintf("blob %d (%s)", i, kind)
	}
	return fmt.Sprintf("blob %d (%s %s)", i, kind, name)
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

type progressWriter struct {
	w io.Writer
	f func(int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.f(int64(n))
	return n, err
}
