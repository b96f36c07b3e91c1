// Package bundle builds and opens encrypted pod bundles: the manifest, the
// images (as OCI layout tars) and the secrets of a pod in one file, each blob
// encrypted with chunked AES-256-GCM under a random data key that is wrapped
// with HPKE (X25519) to one or more recipients. The byte-level format is
// specified in docs/bundle.md.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/trustedpods/tpod/internal/manifest"
)

// Magic starts every bundle.
const Magic = "TPODBNDL"

// Version is the format version this package writes and reads. Format 1
// named no channel: it is refused (ErrUnbound), not read.
const Version = 2

// Limits of the format (enforced when parsing untrusted headers).
const (
	MaxCoreSize      = 64 << 10
	MaxRecipients    = 64
	MaxBlobs         = 1 + 16 + 64
	MaxManifestBlob  = 2 << 20
	MaxSecretSize    = 1 << 20
	MinChunkSize     = 4 << 10
	MaxChunkSize     = 16 << 20
	DefaultChunkSize = 1 << 20
	stanzaSize       = 32 + 32 + 48
	sigSize          = 65
	macSize          = 32
	tagSize          = 16
	fixedPrefix      = len(Magic) + 2 + 4
)

// Suite names written in the header (fixed by the version).
const (
	SuiteWrap = "DHKEM(X25519,HKDF-SHA256)/HKDF-SHA256/AES-256-GCM"
	SuiteBlob = "AES-256-GCM-STREAM"
)

// Blob kinds.
const (
	KindManifest = "manifest"
	KindImage    = "image"
	KindSecret   = "secret"
)

// Sentinel errors, checked with errors.Is.
var (
	ErrFormat       = errors.New("not a valid bundle")
	ErrNotRecipient = errors.New("key is not a recipient of this bundle")
	ErrTampered     = errors.New("authentication failed (tampered, swapped or wrong key)")
	ErrTruncated    = errors.New("truncated")
	ErrTooLarge     = errors.New("exceeds size limit")
)

// Core is the unencrypted part of the header a provider reads before
// decrypting: what to quote and how much to fetch. It is authenticated once
// the data key is unwrapped.
type Core struct {
	Version   int        `json:"version"`
	Wrap      string     `json:"wrap"`
	Cipher    string     `json:"cipher"`
	ChunkSize int        `json:"chunkSize"`
	Resources Resources  `json:"resources"`
	Scale     ScaleRange `json:"scale"`
	// Binding is the order the bundle is for; nil for an unbound bundle,
	// which can be opened but is never deployed.
	Binding *Binding   `json:"binding,omitempty"`
	Blobs   []BlobInfo `json:"blobs"`
}

// Resources are the pod's totals per replica.
type Resources = manifest.Totals

// ScaleRange is the pod's scale.min and scale.max.
type ScaleRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// BlobInfo describes one encrypted blob; names stay inside the encrypted
// manifest blob.
type BlobInfo struct {
	Kind string `json:"kind"`
	Size int64  `json:"size"` // plaintext bytes
}

// Stanza wraps the data key to one recipient.
type Stanza struct {
	PublicKey [32]byte // recipient's X25519 public key
	Enc       [32]byte // HPKE encapsulated key
	Wrapped   [48]byte // HPKE ciphertext of the 32-byte data key
}

// Header is a parsed bundle header.
type Header struct {
	Core       Core
	Recipients []Stanza
	// Signature is the publisher's signature of the binding (r ‖ s ‖ v),
	// all zero when the bundle is unbound.
	Signature [sigSize]byte
	MAC       [macSize]byte
	// Raw is the header's bytes up to (not including) the MAC; CoreHash is
	// SHA-256 of the bytes up to the end of the core; HeaderHash is SHA-256
	// of the bytes up to the end of the stanzas (what the binding signs).
	Raw        []byte
	CoreHash   [32]byte
	HeaderHash [32]byte
}

// Bytes is the header as it appears in the bundle (Raw, then the MAC):
// ReadHeader parses it again.
func (h *Header) Bytes() []byte { return append(bytes.Clone(h.Raw), h.MAC[:]...) }

// Size is the header's length in bytes.
func (h *Header) Size() int64 { return int64(len(h.Raw) + macSize) }

// BlobsSize is the total encrypted size of the blobs.
func (h *Header) BlobsSize() int64 {
	var n int64
	for _, b := range h.Core.Blobs {
		n += EncryptedSize(b.Size, h.Core.ChunkSize)
	}
	return n
}

// TotalSize is the bundle's size: header plus blobs.
func (h *Header) TotalSize() int64 { return h.Size() + h.BlobsSize() }

// EncryptedSize is the ciphertext size of a blob of n plaintext bytes.
func EncryptedSize(n int64, chunk int) int64 {
	return n + int64(chunkCount(n, chunk))*tagSize
}

func chunkCount(n int64, chunk int) int64 {
	if n == 0 {
		return 1
	}
	return (n + int64(chunk) - 1) / int64(chunk)
}

// validate checks a core read from an untrusted header.
func (c *Core) validate() error {
	if c.Version != Version {
		return fmt.Errorf("core version %d, want %d", c.Version, Version)
	}
	if c.Wrap != SuiteWrap || c.Cipher != SuiteBlob {
		return fmt.Errorf("unsupported suites %q / %q", c.Wrap, c.Cipher)
	}
	if c.ChunkSize < MinChunkSize || c.ChunkSize > MaxChunkSize || c.ChunkSize&(c.ChunkSize-1) != 0 {
		return fmt.Errorf("chunk size %d: want a power of two in [%d, %d]", c.ChunkSize, MinChunkSize, MaxChunkSize)
	}
	if c.Binding != nil {
		if err := c.Binding.validate(); err != nil {
			return err
		}
	}
	if len(c.Blobs) == 0 || len(c.Blobs) > MaxBlobs {
		return fmt.Errorf("%d blobs: want 1..%d", len(c.Blobs), MaxBlobs)
	}
	if c.Scale.Min < 0 || c.Scale.Min > 1 || c.Scale.Max < 1 || c.Scale.Max > 1024 {
		return fmt.Errorf("scale %d..%d out of range", c.Scale.Min, c.Scale.Max)
	}
	var total int64
	for i, b := range c.Blobs {
		switch {
		case i == 0 && b.Kind != KindManifest:
			return fmt.Errorf("blob 0 is %q, want %q", b.Kind, KindManifest)
		case i > 0 && b.Kind != KindImage && b.Kind != KindSecret:
			return fmt.Errorf("blob %d: unknown kind %q", i, b.Kind)
		case i > 0 && b.Kind == KindImage && c.Blobs[i-1].Kind == KindSecret:
			return fmt.Errorf("blob %d: images come before secrets", i)
		}
		if b.Size < 0 || b.Size > 1<<40 {
			return fmt.Errorf("blob %d: size %d out of range", i, b.Size)
		}
		if b.Kind == KindManifest && (b.Size == 0 || b.Size > MaxManifestBlob) {
			return fmt.Errorf("blob 0: manifest size %d out of range", b.Size)
		}
		if b.Kind == KindSecret && b.Size > MaxSecretSize {
			return fmt.Errorf("blob %d: secret larger than %d bytes", i, MaxSecretSize)
		}
		total += b.Size
		if total > 1<<42 {
			return fmt.Errorf("blobs larger than 4 TiB")
		}
	}
	return nil
}

// encodeHeader serializes the header up to the end of the stanzas (without
// the signature and the MAC).
func encodeHeader(core *Core, stanzas []Stanza) (raw []byte, coreHash [32]byte, err error) {
	cj, err := json.Marshal(core)
	if err != nil {
		return nil, coreHash, err
	}
	var b bytes.Buffer
	b.WriteString(Magic)
	binary.Write(&b, binary.BigEndian, uint16(Version))
	binary.Write(&b, binary.BigEndian, uint32(len(cj)))
	b.Write(cj)
	coreHash = sha256.Sum256(b.Bytes())
	binary.Write(&b, binary.BigEndian, uint16(len(stanzas)))
	for _, s := range stanzas {
		b.Write(s.PublicKey[:])
		b.Write(s.Enc[:])
		b.Write(s.Wrapped[:])
	}
	return b.Bytes(), coreHash, nil
}

// coreBytes returns the bytes covered by CoreHash: everything before the
// recipient count. Needed before the stanzas exist.
func coreBytes(core *Core) ([]byte, error) {
	raw, _, err := encodeHeader(core, nil)
	if err != nil {
		return nil, err
	}
	return raw[:len(raw)-2], nil
}

// ReadHeader reads and parses a bundle header from r, leaving r at the first
// blob. It checks structure and limits only: authenticity needs the data key
// (see Open). It never reads more than the header's declared size.
func ReadHeader(r io.Reader) (*Header, error) {
	pre := make([]byte, fixedPrefix)
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrFormat, eofTruncated(err))
	}
	if string(pre[:len(Magic)]) != Magic {
		return nil, fmt.Errorf("%w: bad magic", ErrFormat)
	}
	switch v := binary.BigEndian.Uint16(pre[8:]); v {
	case Version:
	case 1:
		return nil, errFormat1
	default:
		return nil, fmt.Errorf("%w: format version %d, this tpod reads %d", ErrFormat, v, Version)
	}
	n := binary.BigEndian.Uint32(pre[10:])
	if n == 0 || n > MaxCoreSize {
		return nil, fmt.Errorf("%w: header core of %d bytes", ErrFormat, n)
	}
	raw := make([]byte, fixedPrefix+int(n)+2, fixedPrefix+int(n)+2+stanzaSize*4)
	copy(raw, pre)
	if _, err := io.ReadFull(r, raw[fixedPrefix:]); err != nil {
		return nil, fmt.Errorf("%w: header core: %w", ErrFormat, eofTruncated(err))
	}
	h := &Header{CoreHash: sha256.Sum256(raw[:fixedPrefix+int(n)])}
	dec := json.NewDecoder(bytes.NewReader(raw[fixedPrefix : fixedPrefix+int(n)]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h.Core); err != nil {
		return nil, fmt.Errorf("%w: header core: %w", ErrFormat, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: header core: trailing data", ErrFormat)
	}
	if err := h.Core.validate(); err != nil {
		return nil, fmt.Errorf("%w: header core: %w", ErrFormat, err)
	}
	count := int(binary.BigEndian.Uint16(raw[len(raw)-2:]))
	if count == 0 || count > MaxRecipients {
		return nil, fmt.Errorf("%w: %d recipients, want 1..%d", ErrFormat, count, MaxRecipients)
	}
	rest := make([]byte, count*stanzaSize+sigSize+macSize)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, fmt.Errorf("%w: recipients: %w", ErrFormat, eofTruncated(err))
	}
	for i := range count {
		s := rest[i*stanzaSize:]
		var st Stanza
		copy(st.PublicKey[:], s[:32])
		copy(st.Enc[:], s[32:64])
		copy(st.Wrapped[:], s[64:112])
		h.Recipients = append(h.Recipients, st)
	}
	h.Raw = append(raw, rest[:count*stanzaSize+sigSize]...)
	h.HeaderHash = sha256.Sum256(h.Raw[:len(h.Raw)-sigSize])
	copy(h.Signature[:], rest[count*stanzaSize:])
	copy(h.MAC[:], rest[count*stanzaSize+sigSize:])
	if (h.Core.Binding == nil) != (h.Signature == [sigSize]byte{}) {
		return nil, fmt.Errorf("%w: a binding needs a signature, and only a binding has one", ErrFormat)
	}
	return h, nil
}

// errFormat1 refuses a format 1 bundle: it names no channel, so it could be
// deployed under anyone's order.
var errFormat1 = format1Error{}

type format1Error struct{}

func (format1Error) Error() string {
	return "bundle format 1 is not bound to a channel; rebuild it with this tpod"
}

func (format1Error) Is(target error) bool {
	return target == ErrFormat || target == ErrUnbound || target == ErrBinding
}

func eofTruncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}
