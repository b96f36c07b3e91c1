package bundle

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/hpke"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
)

const (
	hpkeInfo     = "tpod/bundle/v1"
	labelMAC     = "tpod/bundle/v1 header mac"
	labelBlobKey = "tpod/bundle/v1 blob "
)

var (
	kem  = hpke.DHKEM(ecdh.X25519())
	kdf  = hpke.HKDFSHA256()
	aead = hpke.AES256GCM()
)

// wrapKey seals the data key to one recipient, bound to the header core.
func wrapKey(pub *ecdh.PublicKey, dk []byte, coreHash [32]byte) (Stanza, error) {
	var st Stanza
	if pub.Curve() != ecdh.X25519() {
		return st, fmt.Errorf("recipient key is not X25519")
	}
	pk, err := hpke.NewDHKEMPublicKey(pub)
	if err != nil {
		return st, err
	}
	enc, s, err := hpke.NewSender(pk, kdf, aead, []byte(hpkeInfo))
	if err != nil {
		return st, err
	}
	ct, err := s.Seal(coreHash[:], dk)
	if err != nil {
		return st, err
	}
	if len(enc) != 32 || len(ct) != 48 {
		return st, fmt.Errorf("hpke: unexpected sizes %d/%d", len(enc), len(ct))
	}
	copy(st.PublicKey[:], pub.Bytes())
	copy(st.Enc[:], enc)
	copy(st.Wrapped[:], ct)
	return st, nil
}

// unwrapKey finds kx's stanza and opens the data key. The private key stays
// behind kx (an enclave's KeyExchanger works).
func unwrapKey(h *Header, kx ecdh.KeyExchanger) ([]byte, error) {
	if kx.Curve() != ecdh.X25519() {
		return nil, fmt.Errorf("identity is not an X25519 key")
	}
	pub := kx.PublicKey().Bytes()
	for i, st := range h.Recipients {
		if string(st.PublicKey[:]) != string(pub) {
			continue
		}
		sk, err := hpke.NewDHKEMPrivateKey(kx)
		if err != nil {
			return nil, err
		}
		r, err := hpke.NewRecipient(st.Enc[:], sk, kdf, aead, []byte(hpkeInfo))
		if err != nil {
			return nil, fmt.Errorf("header: recipient %d: %w", i, ErrTampered)
		}
		dk, err := r.Open(h.CoreHash[:], st.Wrapped[:])
		if err != nil || len(dk) != 32 {
			return nil, fmt.Errorf("header: recipient %d: %w", i, ErrTampered)
		}
		return dk, nil
	}
	return nil, ErrNotRecipient
}

// UnwrapKey opens kx's stanza and returns the data key once the header's
// MAC proves it authentic under that key: the one call a signing core makes
// for a provider's daemon, which then decrypts the blobs with the key
// (OpenOptions.Unwrap). It reads nothing but the header.
func (h *Header) UnwrapKey(kx ecdh.KeyExchanger) ([]byte, error) {
	dk, err := unwrapKey(h, kx)
	if err != nil {
		return nil, err
	}
	if _, err := headerKeys(h, dk); err != nil {
		clear(dk)
		return nil, err
	}
	return dk, nil
}

// headerKeys derives the keys of data key dk and checks the header's MAC
// with them: a header that does not authenticate under dk is tampered.
func headerKeys(h *Header, dk []byte) (*keys, error) {
	k, err := deriveKeys(dk, h.CoreHash)
	if err != nil {
		return nil, err
	}
	mac, err := k.mac(h.Raw)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(mac[:], h.MAC[:]) {
		return nil, fmt.Errorf("header: %w", ErrTampered)
	}
	return k, nil
}

// keys derives the header MAC key and blob keys from the data key.
type keys struct {
	prk []byte
}

func deriveKeys(dk []byte, coreHash [32]byte) (*keys, error) {
	prk, err := hkdf.Extract(sha256.New, dk, coreHash[:])
	if err != nil {
		return nil, err
	}
	return &keys{prk: prk}, nil
}

func (k *keys) mac(raw []byte) ([macSize]byte, error) {
	var out [macSize]byte
	mk, err := hkdf.Expand(sha256.New, k.prk, labelMAC, 32)
	if err != nil {
		return out, err
	}
	m := hmac.New(sha256.New, mk)
	m.Write(raw)
	copy(out[:], m.Sum(nil))
	return out, nil
}

func (k *keys) blob(i int) (cipher.AEAD, error) {
	var idx [4]byte
	binary.BigEndian.PutUint32(idx[:], uint32(i))
	key, err := hkdf.Expand(sha256.New, k.prk, labelBlobKey+string(idx[:]), 32)
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// nonce of chunk i: 11-byte big-endian counter, then 1 on the last chunk.
func nonce(n *[12]byte, i int64, last bool) {
	binary.BigEndian.PutUint64(n[3:11], uint64(i))
	n[0], n[1], n[2] = 0, 0, 0
	n[11] = 0
	if last {
		n[11] = 1
	}
}

// sealWriter encrypts exactly size plaintext bytes into chunks written to w.
type sealWriter struct {
	w     io.Writer
	aead  cipher.AEAD
	chunk int
	size  int64
	done  int64 // plaintext bytes sealed or buffered
	idx   int64
	buf   []byte // plaintext of the current chunk, with room for the tag
	nonce [12]byte
}

func newSealWriter(w io.Writer, a cipher.AEAD, chunk int, size int64) *sealWriter {
	n := chunk
	if size < int64(chunk) {
		n = int(size)
	}
	return &sealWriter{w: w, aead: a, chunk: chunk, size: size, buf: make([]byte, 0, n+tagSize)}
}

func (s *sealWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		if s.done >= s.size {
			return written, fmt.Errorf("more than the declared %d bytes", s.size)
		}
		room := s.chunk - len(s.buf)
		if rem := s.size - s.done; int64(room) > rem {
			room = int(rem)
		}
		n := min(room, len(p))
		s.buf = append(s.buf, p[:n]...)
		p, written, s.done = p[n:], written+n, s.done+int64(n)
		if len(s.buf) == s.chunk || s.done == s.size {
			if err := s.flush(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func (s *sealWriter) flush() error {
	last := s.done == s.size
	nonce(&s.nonce, s.idx, last)
	ct := s.aead.Seal(s.buf[:0], s.nonce[:], s.buf, nil)
	s.idx++
	s.buf = s.buf[:0]
	_, err := s.w.Write(ct)
	return err
}

// Close checks that exactly size bytes came and seals the empty blob.
func (s *sealWriter) Close() error {
	if s.done != s.size {
		return fmt.Errorf("got %d of the declared %d bytes", s.done, s.size)
	}
	if s.size == 0 && s.idx == 0 {
		return s.flush()
	}
	return nil
}

// openReader decrypts one blob of known plaintext size from r.
type openReader struct {
	r     io.Reader
	aead  cipher.AEAD
	chunk int
	size  int64
	read  int64 // plaintext bytes decrypted so far
	idx   int64
	buf   []byte // ciphertext/plaintext buffer
	out   []byte // decrypted bytes not yet returned
	nonce [12]byte
	err   error
}

func newOpenReader(r io.Reader, a cipher.AEAD, chunk int, size int64) *openReader {
	n := chunk
	if size < int64(chunk) {
		n = int(size)
	}
	return &openReader{r: r, aead: a, chunk: chunk, size: size, buf: make([]byte, n+tagSize)}
}

func (o *openReader) Read(p []byte) (int, error) {
	for len(o.out) == 0 {
		if o.err != nil {
			return 0, o.err
		}
		if o.read == o.size && o.idx > 0 {
			o.err = io.EOF
			return 0, io.EOF
		}
		n := int64(o.chunk)
		if rem := o.size - o.read; rem < n {
			n = rem
		}
		ct := o.buf[:n+tagSize]
		if _, err := io.ReadFull(o.r, ct); err != nil {
			o.err = eofTruncated(err)
			return 0, o.err
		}
		last := o.read+n == o.size
		nonce(&o.nonce, o.idx, last)
		pt, err := o.aead.Open(ct[:0], o.nonce[:], ct, nil)
		if err != nil {
			o.err = ErrTampered
			return 0, o.err
		}
		o.idx++
		o.read += n
		o.out = pt
	}
	n := copy(p, o.out)
	o.out = o.out[n:]
	return n, nil
}
