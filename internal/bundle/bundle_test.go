package bundle_test

import (
	"bytes"
	"crypto/ecdh"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
)

const podYAML = `apiVersion: tpod.dev/v1
kind: Pod
metadata: {name: hello}
spec:
  containers:
  - name: web
    image: hello:latest
    env: [{name: GREETING, value: hi}]
    ports: [{containerPort: 8080, expose: http, hostnames: [hello.example.com]}]
    resources: {cpu: 250m, memory: 64Mi}
    volumeMounts: [{name: creds, mountPath: /run/secrets, readOnly: true}]
  volumes:
  - name: creds
    secret: {secrets: [db-password, api-token]}
  scale: {min: 0, max: 1}
`

// enclaveKey hides the private key behind ecdh.KeyExchanger, as an enclave does.
type enclaveKey struct{ k *ecdh.PrivateKey }

func (e enclaveKey) PublicKey() *ecdh.PublicKey             { return e.k.PublicKey() }
func (e enclaveKey) Curve() ecdh.Curve                      { return e.k.Curve() }
func (e enclaveKey) ECDH(p *ecdh.PublicKey) ([]byte, error) { return e.k.ECDH(p) }

type fixture struct {
	pod     *manifest.Pod
	img     v1.Image
	keys    []*ecdh.PrivateKey
	data    []byte
	res     *bundle.Result
	secrets map[string][]byte
}

func newFixture(t *testing.T, chunk int) *fixture {
	t.Helper()
	pod, err := manifest.Load([]byte(podYAML), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{pod: pod, img: ocitest.ServerImage(t), secrets: map[string][]byte{
		"db-password": []byte("s3cret-db"), "api-token": []byte("tok-12345"),
	}}
	var pubs []*ecdh.PublicKey
	for range 2 {
		k, err := bundle.GenerateIdentity()
		if err != nil {
			t.Fatal(err)
		}
		f.keys = append(f.keys, k)
		pubs = append(pubs, k.PublicKey())
	}
	var buf bytes.Buffer
	var last int64
	f.res, err = bundle.Build(&buf, pod, bundle.BuildOptions{
		Recipients: pubs, Images: map[string]v1.Image{"hello:latest": f.img}, Secrets: f.secrets,
		ChunkSize: chunk, Progress: func(done, total int64) { last = done },
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.res.Size != int64(buf.Len()) || last == 0 {
		t.Fatalf("size %d, wrote %d, progress %d", f.res.Size, buf.Len(), last)
	}
	f.data = buf.Bytes()
	return f
}

func TestRoundTrip(t *testing.T) {
	f := newFixture(t, bundle.MinChunkSize)
	want, _ := f.img.Digest()
	for i, k := range f.keys {
		dir := t.TempDir()
		c, err := bundle.Extract(bytes.NewReader(f.data), enclaveKey{k}, dir, bundle.OpenOptions{})
		if err != nil {
			t.Fatalf("recipient %d: %v", i, err)
		}
		if c.Pod.Hash() != f.res.PodHash {
			t.Fatal("pod hash differs")
		}
		if c.Pod.Containers[0].ImageDigest != want.String() {
			t.Fatalf("digest not pinned: %q", c.Pod.Containers[0].ImageDigest)
		}
		// The original pod is untouched; the bundled one differs only by the digest.
		if f.pod.Containers[0].ImageDigest != "" {
			t.Fatal("Build changed the caller's pod")
		}
		for name, v := range f.secrets {
			if !bytes.Equal(c.Secrets[name], v) {
				t.Fatalf("secret %s: %q", name, c.Secrets[name])
			}
		}
		if len(c.Images) != 1 || c.Images[0].Ref != "hello:latest" || c.Images[0].Digest != want.String() {
			t.Fatalf("images %+v", c.Images)
		}
		// The extracted image is an OCI layout tar holding the same image.
		img, err := oci.Load(c.Images[0].Path, "hello:latest")
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := img.Digest(); d != want {
			t.Fatalf("extracted image %s, want %s", d, want)
		}
		st, _ := os.Stat(c.Images[0].Path)
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("image file mode %v", st.Mode())
		}
	}
	h, err := bundle.ReadHeader(bytes.NewReader(f.data))
	if err != nil {
		t.Fatal(err)
	}
	if h.Core.Resources.CPUMilli != 250 || h.Core.Resources.MemoryMiB != 64 || len(h.Recipients) != 2 || h.Core.Scale.Min != 0 {
		t.Fatalf("header %+v", h.Core)
	}
	// Secret names and values never appear in clear.
	for _, s := range []string{"db-password", "s3cret-db", "hello:latest", "GREETING"} {
		if bytes.Contains(f.data, []byte(s)) {
			t.Fatalf("%q appears in the bundle in clear", s)
		}
	}
}

// blobRange returns the byte range of blob i.
func blobRange(t *testing.T, data []byte, i int) (int64, int64) {
	h, err := bundle.ReadHeader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	off := h.Size()
	for j, b := range h.Core.Blobs {
		n := bundle.EncryptedSize(b.Size, h.Core.ChunkSize)
		if j == i {
			return off, off + n
		}
		off += n
	}
	t.Fatalf("no blob %d", i)
	return 0, 0
}

func openAll(data []byte, k ecdh.KeyExchanger) error {
	_, err := bundle.Extract(bytes.NewReader(data), k, os.TempDir(), bundle.OpenOptions{})
	return err
}

func TestTamper(t *testing.T) {
	f := newFixture(t, bundle.MinChunkSize)
	h, _ := bundle.ReadHeader(bytes.NewReader(f.data))
	coreEnd := int64(14 + bytes.Index(f.data[14:], []byte("}]}")) + 3)
	img0, img1 := blobRange(t, f.data, 1)
	s1a, s1b := blobRange(t, f.data, 2)
	s2a, s2b := blobRange(t, f.data, 3)
	m0, m1 := blobRange(t, f.data, 0)
	cases := []struct {
		name string
		at   int64
		want string // substring of the error
		is   error
	}{
		{"header core (resources)", int64(bytes.Index(f.data, []byte(`"cpuMilli":250`)) + 12), "header", bundle.ErrTampered},
		{"header core (blob size)", coreEnd - 6, "", nil}, // any error
		{"recipient public key", coreEnd + 2 + 5, "", bundle.ErrNotRecipient},
		{"recipient enc", coreEnd + 2 + 32 + 1, "header", bundle.ErrTampered},
		{"recipient wrapped key", coreEnd + 2 + 64 + 1, "header", bundle.ErrTampered},
		{"second recipient stanza", coreEnd + 2 + 112 + 40, "header", bundle.ErrTampered},
		{"header mac", h.Size() - 1, "header", bundle.ErrTampered},
		{"manifest blob", (m0 + m1) / 2, "blob 0 (manifest)", bundle.ErrTampered},
		{"image blob first chunk", img0 + 3, "blob 1 (image hello:latest)", bundle.ErrTampered},
		{"image blob middle", (img0 + img1) / 2, "blob 1 (image hello:latest)", bundle.ErrTampered},
		{"image blob last tag", img1 - 1, "blob 1 (image hello:latest)", bundle.ErrTampered},
		{"secret blob", s1a + 1, "blob 2 (secret db-password)", bundle.ErrTampered},
		{"second secret blob", s2b - 2, "blob 3 (secret api-token)", bundle.ErrTampered},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := bytes.Clone(f.data)
			d[tc.at] ^= 0x01
			err := openAll(d, f.keys[0])
			if tc.name == "second recipient stanza" {
				// Only the second recipient's stanza changed: key 0 opens the
				// header stanza but the header MAC catches the change.
				if !errors.Is(err, bundle.ErrTampered) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("tampered bundle opened")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to name %q", err, tc.want)
			}
		})
	}

	t.Run("swapped secrets", func(t *testing.T) {
		// Both secrets are 9-10 bytes: make two of equal size and swap them.
		a, b := f.data[s1a:s1b], f.data[s2a:s2b]
		if len(a) != len(b) {
			t.Skip("secret blobs differ in size")
		}
		d := bytes.Clone(f.data)
		copy(d[s1a:s1b], b)
		copy(d[s2a:s2b], a)
		err := openAll(d, f.keys[0])
		if !errors.Is(err, bundle.ErrTampered) || !strings.Contains(err.Error(), "blob 2 (secret db-password)") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("swapped chunks", func(t *testing.T) {
		c := int64(bundle.MinChunkSize + 16)
		if img1-img0 < 3*c {
			t.Fatal("image too small for the test")
		}
		d := bytes.Clone(f.data)
		copy(d[img0:img0+c], f.data[img0+c:img0+2*c])
		copy(d[img0+c:img0+2*c], f.data[img0:img0+c])
		if err := openAll(d, f.keys[0]); !errors.Is(err, bundle.ErrTampered) || !strings.Contains(err.Error(), "blob 1 (image") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing blob", func(t *testing.T) {
		d := append(bytes.Clone(f.data[:s2a]), f.data[s2b:]...)
		err := openAll(d, f.keys[0])
		if !errors.Is(err, bundle.ErrTruncated) || !strings.Contains(err.Error(), "blob 3 (secret api-token)") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int64{5, 20, h.Size() - 1, h.Size(), m1 - 1, img0 + 100, img1 - 1, s2b - 1} {
			err := openAll(f.data[:n], f.keys[0])
			if !errors.Is(err, bundle.ErrTruncated) {
				t.Fatalf("cut at %d: err = %v", n, err)
			}
		}
	})
	t.Run("trailing data", func(t *testing.T) {
		if err := openAll(append(bytes.Clone(f.data), 0), f.keys[0]); !errors.Is(err, bundle.ErrFormat) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		k, _ := bundle.GenerateIdentity()
		if err := openAll(f.data, k); !errors.Is(err, bundle.ErrNotRecipient) {
			t.Fatalf("err = %v", err)
		}
		// A key that claims a recipient's public key but holds another secret.
		if err := openAll(f.data, fakePub{k, f.keys[0].PublicKey()}); !errors.Is(err, bundle.ErrTampered) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("size limit", func(t *testing.T) {
		_, err := bundle.NewReader(bytes.NewReader(f.data), f.keys[0], bundle.OpenOptions{MaxSize: int64(len(f.data)) - 1})
		if !errors.Is(err, bundle.ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
}

// fakePub answers with one key's public part and another's secret.
type fakePub struct {
	k   *ecdh.PrivateKey
	pub *ecdh.PublicKey
}

func (f fakePub) PublicKey() *ecdh.PublicKey             { return f.pub }
func (f fakePub) Curve() ecdh.Curve                      { return ecdh.X25519() }
func (f fakePub) ECDH(p *ecdh.PublicKey) ([]byte, error) { return f.k.ECDH(p) }

func TestBuildChecks(t *testing.T) {
	pod, err := manifest.Load([]byte(podYAML), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	img := ocitest.ServerImage(t)
	k, _ := bundle.GenerateIdentity()
	good := func() bundle.BuildOptions {
		return bundle.BuildOptions{
			Recipients: []*ecdh.PublicKey{k.PublicKey()},
			Images:     map[string]v1.Image{"hello:latest": img},
			Secrets:    map[string][]byte{"db-password": []byte("a"), "api-token": []byte("b")},
		}
	}
	tests := map[string]func(*bundle.BuildOptions){
		"no recipient":   func(o *bundle.BuildOptions) { o.Recipients = nil },
		"missing image":  func(o *bundle.BuildOptions) { o.Images = nil },
		"extra image":    func(o *bundle.BuildOptions) { o.Images["other"] = img },
		"missing secret": func(o *bundle.BuildOptions) { delete(o.Secrets, "api-token") },
		"extra secret":   func(o *bundle.BuildOptions) { o.Secrets["x"] = nil },
		"huge secret":    func(o *bundle.BuildOptions) { o.Secrets["api-token"] = make([]byte, bundle.MaxSecretSize+1) },
		"bad chunk":      func(o *bundle.BuildOptions) { o.ChunkSize = 1000 },
	}
	for name, mut := range tests {
		o := good()
		mut(&o)
		if _, err := bundle.Build(io.Discard, pod, o); err == nil {
			t.Errorf("%s: built", name)
		}
	}
	if _, err := bundle.Build(io.Discard, pod, good()); err != nil {
		t.Fatal(err)
	}
}

func TestKeys(t *testing.T) {
	k, _ := bundle.GenerateIdentity()
	id := bundle.FormatIdentity(k)
	got, err := bundle.ParseIdentity(id)
	if err != nil || !got.Equal(k) {
		t.Fatal(err)
	}
	pub, err := bundle.ParseRecipient(bundle.FormatRecipient(k.PublicKey()))
	if err != nil || !pub.Equal(k.PublicKey()) {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "tpod-x25519:abc", strings.Repeat("z", 64)} {
		if _, err := bundle.ParseRecipient(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := bundle.ParseIdentity([]byte("# only a comment\n")); err == nil {
		t.Fatal("empty identity parsed")
	}
}

func FuzzReadHeader(f *testing.F) {
	k, _ := bundle.GenerateIdentity()
	pod, err := manifest.Load([]byte(strings.ReplaceAll(podYAML, "secret: {secrets: [db-password, api-token]}", "emptyDir: {}")), "pod.yaml")
	if err != nil {
		f.Fatal(err)
	}
	img, err := oci.NewImage([]oci.File{{Path: "/x", Data: []byte("x")}}, oci.ImageConfig{})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := bundle.Build(&buf, pod, bundle.BuildOptions{Recipients: []*ecdh.PublicKey{k.PublicKey()}, Images: map[string]v1.Image{"hello:latest": img}}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:200])
	pub := publisherKey(f)
	buf.Reset()
	if _, err := bundle.Build(&buf, pod, bundle.BuildOptions{Recipients: []*ecdh.PublicKey{k.PublicKey()}, Images: map[string]v1.Image{"hello:latest": img},
		Binding: &bundle.Binding{ChainID: 1337, Payment: testPayment, Publisher: pub.Address(), Provider: testProvider}, Signer: pub}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := bundle.ReadHeader(bytes.NewReader(data))
		if err != nil {
			return
		}
		if h.CheckBinding(1337, testPayment, [32]byte{}, pub.Address()) == nil {
			t.Fatal("a header bound to channel 0 passed the check")
		}
		if h.Size() > int64(len(data)) {
			t.Fatalf("header of %d bytes from %d bytes of input", h.Size(), len(data))
		}
		// Opening with a non-recipient key must fail cleanly, never panic.
		_, _ = bundle.NewReader(bytes.NewReader(data), k, bundle.OpenOptions{MaxSize: 1 << 20})
	})
}

// TestUnwrapKey: a signing core unwraps a bundle's data key from its header
// alone (checking the header MAC), and the blobs open with that key through
// OpenOptions.Unwrap; a header edited after the MAC, or a key that is not a
// recipient, yields no key.
func TestUnwrapKey(t *testing.T) {
	f := newFixture(t, bundle.MinChunkSize)
	h, err := bundle.ReadHeader(bytes.NewReader(f.data))
	if err != nil {
		t.Fatal(err)
	}
	again, err := bundle.ReadHeader(bytes.NewReader(h.Bytes()))
	if err != nil || !bytes.Equal(again.Raw, h.Raw) || again.MAC != h.MAC {
		t.Fatalf("Bytes does not parse back to the header: %v", err)
	}
	dk, err := h.UnwrapKey(enclaveKey{f.keys[0]})
	if err != nil || len(dk) != 32 {
		t.Fatalf("unwrap: %v", err)
	}
	c, err := bundle.Extract(bytes.NewReader(f.data), nil, t.TempDir(), bundle.OpenOptions{
		Unwrap: func(*bundle.Header) ([]byte, error) { return dk, nil }})
	if err != nil || string(c.Secrets["db-password"]) != "s3cret-db" {
		t.Fatalf("open with the unwrapped key: %v", err)
	}
	wrong := bytes.Clone(dk)
	wrong[0] ^= 1
	if _, err := bundle.Extract(bytes.NewReader(f.data), nil, t.TempDir(), bundle.OpenOptions{
		Unwrap: func(*bundle.Header) ([]byte, error) { return wrong, nil }}); !errors.Is(err, bundle.ErrTampered) {
		t.Fatalf("open with a wrong key: %v", err)
	}
	// The MAC covers the other recipients' stanzas: flip a byte of the
	// last one (the second key's) and unwrap with the first key.
	tampered := h.Bytes()
	tampered[len(h.Raw)-65-1] ^= 1
	th, err := bundle.ReadHeader(bytes.NewReader(tampered))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := th.UnwrapKey(enclaveKey{f.keys[0]}); !errors.Is(err, bundle.ErrTampered) {
		t.Fatalf("tampered header: %v", err)
	}
	other, _ := bundle.GenerateIdentity()
	if _, err := h.UnwrapKey(enclaveKey{other}); !errors.Is(err, bundle.ErrNotRecipient) {
		t.Fatalf("not a recipient: %v", err)
	}
}
