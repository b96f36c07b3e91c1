package kube

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/trustedpods/tpod/internal/runtime"
)

// ImageStore delivers images to the cluster's nodes without a public registry.
type ImageStore interface {
	// Push stores img for a container of pod and returns the reference
	// nodes pull it by (host/pod/container@sha256:...).
	Push(ctx context.Context, pod, container string, img v1.Image) (string, error)
	// PullSecret returns the .dockerconfigjson that lets pod's namespace
	// pull its own images, and no other pod's.
	PullSecret(pod string) ([]byte, error)
	// Remove forgets pod's images and credentials.
	Remove(ctx context.Context, pod string) error
}

// Registry is an ImageStore served by the provider itself: an OCI
// distribution registry (go-containerregistry's) holding the decrypted images
// of the provider's pods, exposed only inside the cluster (a ClusterIP or
// node-local address, see docs/kubernetes.md). Over the network it only
// serves pulls: each pod's namespace gets a pull secret whose credentials
// read that pod's repositories and nothing else; pushes happen in-process.
type Registry struct {
	host  string       // host[:port] in the references nodes pull
	inner http.Handler // go-containerregistry's registry

	mu    sync.Mutex
	creds map[string][32]byte // pod → SHA-256 of its pull token
	refs  map[string][]string // pod → manifests pushed (repo@digest)
	blobs map[string][]string // pod → layer and config digests of its images
}

// NewRegistry returns a registry whose images nodes pull from host (e.g.
// "10.96.0.50:5000", the ClusterIP of its Service). Blobs are kept in dir
// (in memory if dir is ""); manifests are kept in memory.
func NewRegistry(host, dir string) (*Registry, error) {
	if host == "" {
		return nil, fmt.Errorf("registry host: %w", runtime.ErrInvalid)
	}
	opts := []registry.Option{registry.Logger(discardLogger())}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("registry dir: %w", err)
		}
		opts = append(opts, registry.WithBlobHandler(registry.NewDiskBlobHandler(dir)))
	}
	return &Registry{host: host, inner: registry.New(opts...), creds: map[string][32]byte{}, refs: map[string][]string{}, blobs: map[string][]string{}}, nil
}

// Host is where nodes pull from.
func (g *Registry) Host() string { return g.host }

// Server returns an http.Server for the registry with deadlines set.
func (g *Registry) Server(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           g,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      10 * time.Minute, // large layers to slow nodes
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
}

// repoRe matches /v2/<pod>/<container>/(manifests|blobs)/<ref>.
var repoRe = regexp.MustCompile(`^/v2/([a-z0-9][a-z0-9-]{0,47})/([a-z0-9][a-z0-9-]{0,31})/(manifests|blobs)/([A-Za-z0-9_.:-]{1,128})$`)

// ServeHTTP serves authenticated pulls.
func (g *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		http.Error(w, "read-only registry", http.StatusMethodNotAllowed)
		return
	}
	user, pass, ok := req.BasicAuth()
	if !ok || !g.valid(user, pass) {
		w.Header().Set("WWW-Authenticate", `Basic realm="tpod"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if req.URL.Path == "/v2/" || req.URL.Path == "/v2" {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.WriteHeader(http.StatusOK)
		return
	}
	m := repoRe.FindStringSubmatch(req.URL.Path)
	if m == nil || m[1] != user {
		// Another pod's images, the catalog, tag lists: none of its business.
		http.Error(w, "denied", http.StatusForbidden)
		return
	}
	g.inner.ServeHTTP(w, req)
}

func (g *Registry) valid(user, pass string) bool {
	g.mu.Lock()
	want, ok := g.creds[user]
	g.mu.Unlock()
	got := sha256.Sum256([]byte(pass))
	return ok && subtle.ConstantTimeCompare(want[:], got[:]) == 1
}

// localTransport sends requests straight to the inner handler: pushes never
// touch the network.
type localTransport struct{ h http.Handler }

func (t localTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil {
		req.Body = http.NoBody // a server request always has a body
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// Push implements ImageStore.
func (g *Registry) Push(ctx context.Context, pod, container string, img v1.Image) (string, error) {
	d, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("image digest: %w", err)
	}
	repo := pod + "/" + container
	ref, err := name.ParseReference(g.host+"/"+repo+"@"+d.String(), name.Insecure)
	if err != nil {
		return "", fmt.Errorf("image reference: %w", err)
	}
	if err := remote.Write(ref, img, remote.WithContext(ctx), remote.WithTransport(localTransport{g.inner})); err != nil {
		return "", fmt.Errorf("store image: %w", err)
	}
	blobs, err := blobsOf(img)
	if err != nil {
		return "", err
	}
	g.mu.Lock()
	g.refs[pod] = append(g.refs[pod], repo+"@"+d.String())
	g.blobs[pod] = append(g.blobs[pod], blobs...)
	g.mu.Unlock()
	return ref.String(), nil
}

// PullSecret implements ImageStore: a fresh random token per pod, kept
// hashed; calling it again rotates the token.
func (g *Registry) PullSecret(pod string) ([]byte, error) {
	var tok [32]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return nil, err
	}
	pass := hex.EncodeToString(tok[:])
	g.mu.Lock()
	g.creds[pod] = sha256.Sum256([]byte(pass))
	g.mu.Unlock()
	auth := base64.StdEncoding.EncodeToString([]byte(pod + ":" + pass))
	return json.Marshal(map[string]any{"auths": map[string]any{g.host: map[string]string{"username": pod, "password": pass, "auth": auth}}})
}

// blobsOf lists the config and layer digests of img.
func blobsOf(img v1.Image) ([]string, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("image manifest: %w", err)
	}
	out := []string{m.Config.Digest.String()}
	for _, l := range m.Layers {
		out = append(out, l.Digest.String())
	}
	return out, nil
}

// Remove implements ImageStore: the pod's manifests and credentials go, and
// so do the blobs no other pod's image uses (blobs are shared by digest).
func (g *Registry) Remove(ctx context.Context, pod string) error {
	g.mu.Lock()
	refs, blobs := g.refs[pod], g.blobs[pod]
	delete(g.refs, pod)
	delete(g.blobs, pod)
	delete(g.creds, pod)
	used := map[string]bool{}
	for _, bs := range g.blobs {
		for _, b := range bs {
			used[b] = true
		}
	}
	g.mu.Unlock()
	del := func(path string) error {
		req := httptest.NewRequestWithContext(ctx, http.MethodDelete, path, nil)
		rec := httptest.NewRecorder()
		g.inner.ServeHTTP(rec, req)
		if rec.Code >= 300 && rec.Code != http.StatusNotFound {
			return fmt.Errorf("delete %s: HTTP %d", path, rec.Code)
		}
		return nil
	}
	repo := ""
	for _, r := range refs {
		var digest string
		repo, digest, _ = strings.Cut(r, "@")
		if err := del("/v2/" + repo + "/manifests/" + digest); err != nil {
			return err
		}
	}
	for _, b := range blobs {
		if !used[b] {
			if err := del("/v2/" + repo + "/blobs/" + b); err != nil {
				return err
			}
			used[b] = true // listed twice when two containers share a layer
		}
	}
	return nil
}

// withDigest pins ref to digest ("name@sha256:..." or "name:tag@sha256:...").
func withDigest(ref, digest string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	return ref + "@" + digest
}

// Archive limits.
const (
	maxArchiveBytes = 16 << 30
	maxArchiveFiles = 10000
)

// LoadArchive reads an image from an OCI layout directory, an OCI layout tar
// or a docker-save tar (the forms runtime.Image.Archive allows).
func LoadArchive(path string) (v1.Image, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("image archive: %w", err)
	}
	if fi.IsDir() {
		return fromLayout(path)
	}
	if img, err := tarball.ImageFromPath(path, nil); err == nil {
		if _, err := img.Digest(); err == nil {
			return img, nil
		}
	}
	dir, err := os.MkdirTemp("", "tpod-oci-")
	if err != nil {
		return nil, err
	}
	// The layout's files are read lazily; the directory lives until the
	// process ends only if extraction succeeded, so copy the image out.
	if err := untar(path, dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("image archive %s: %w: %w", path, err, runtime.ErrInvalid)
	}
	img, err := fromLayout(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &cleanupImage{Image: img, dir: dir}, nil
}

// cleanupImage is an image backed by a temporary layout directory; the
// directory is removed when the image is garbage (see Close).
type cleanupImage struct {
	v1.Image
	dir string
}

// Close removes the image's temporary directory.
func (c *cleanupImage) Close() error { return os.RemoveAll(c.dir) }

func fromLayout(dir string) (v1.Image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("oci layout %s: %w: %w", dir, err, runtime.ErrInvalid)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("oci layout index: %w: %w", err, runtime.ErrInvalid)
	}
	if len(m.Manifests) != 1 {
		return nil, fmt.Errorf("oci layout %s holds %d manifests, want one image: %w", dir, len(m.Manifests), runtime.ErrInvalid)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		return nil, fmt.Errorf("oci layout image: %w: %w", err, runtime.ErrInvalid)
	}
	return img, nil
}

// untar extracts regular files and directories of a tar into dir, refusing
// links, absolute or escaping paths and oversized archives.
func untar(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var total int64
	for n := 0; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if n >= maxArchiveFiles {
			return errors.New("too many files")
		}
		clean := filepath.Clean(h.Name)
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return fmt.Errorf("bad path %q", h.Name)
		}
		target := filepath.Join(dir, clean)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			total += h.Size
			if total > maxArchiveBytes {
				return errors.New("archive too large")
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, io.LimitReader(tr, h.Size))
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("unsupported entry %q (type %c)", h.Name, h.Typeflag)
		}
	}
}

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// Pods lists the pods with images or credentials in the registry.
func (g *Registry) Pods() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	seen := map[string]bool{}
	for id := range g.creds {
		seen[id] = true
	}
	for id := range g.refs {
		seen[id] = true
	}
	for id := range g.blobs {
		seen[id] = true
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	return out
}
