package bundle_test

import (
	"bytes"
	"crypto/ecdh"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
)

// Init containers get their image digest pinned like the containers, so
// the bundled pod's hash covers their images too.
func TestInitContainersPinned(t *testing.T) {
	pod, err := manifest.Load([]byte(`apiVersion: tpod.dev/v1
kind: Pod
metadata: {name: init}
spec:
  initContainers:
  - {name: prep, image: "hello:latest"}
  containers:
  - {name: web, image: "hello:latest"}
`), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	k, err := bundle.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	img := ocitest.ServerImage(t)
	var buf bytes.Buffer
	if _, err := bundle.Build(&buf, pod, bundle.BuildOptions{Recipients: []*ecdh.PublicKey{k.PublicKey()}, Images: map[string]v1.Image{"hello:latest": img}}); err != nil {
		t.Fatal(err)
	}
	c, err := bundle.Extract(bytes.NewReader(buf.Bytes()), enclaveKey{k}, t.TempDir(), bundle.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if got := c.Pod.InitContainers[0].ImageDigest; got != want.String() {
		t.Fatalf("init container digest %q, want %s", got, want)
	}
}
