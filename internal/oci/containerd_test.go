package oci_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/pkg/namespaces"

	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
)

// TestContainerdSource imports the test image into the private containerd of
// scripts/testenv-containerd.sh and reads it back from the content store.
func TestContainerdSource(t *testing.T) {
	sock := os.Getenv("TPOD_TEST_CONTAINERD")
	if sock == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TPOD_TEST_CONTAINERD is not set (scripts/testenv-containerd.sh)")
		}
		t.Skip("no containerd: run under scripts/testenv-containerd.sh")
	}
	const ns, ref = "tpod-test-oci", "tpod.test/oci-source:1"
	ctx, cancel := context.WithTimeout(namespaces.WithNamespace(context.Background(), ns), time.Minute)
	defer cancel()
	img := ocitest.ServerImage(t)
	want, _ := img.Digest()
	var tarball bytes.Buffer
	if _, err := oci.WriteLayoutTar(&tarball, img, ref); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(sock, client.WithDefaultNamespace(ns))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Import(ctx, &tarball); err != nil {
		t.Fatal(err)
	}
	defer c.ImageService().Delete(ctx, ref)

	src, ok, err := oci.ParseContainerdSource("containerd://"+sock+"?namespace="+ns, ref)
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	got, closer, err := oci.LoadContainerd(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	if d, _ := got.Digest(); d != want {
		t.Fatalf("digest %s, want %s", d, want)
	}
	var out bytes.Buffer
	info, err := oci.WriteLayoutTar(&out, got, ref)
	if err != nil {
		t.Fatal(err)
	}
	if info.Digest != want {
		t.Fatal(info)
	}
	if _, _, err := oci.LoadContainerd(ctx, oci.ContainerdSource{Socket: sock, Namespace: ns, Ref: "tpod.test/missing:1"}); err == nil {
		t.Fatal("missing image loaded")
	}
}

func TestParseContainerdSource(t *testing.T) {
	s, ok, err := oci.ParseContainerdSource("containerd:///run/c.sock?namespace=k8s.io&ref=docker.io/library/x:1", "def")
	if !ok || err != nil || s.Socket != "/run/c.sock" || s.Namespace != "k8s.io" || s.Ref != "docker.io/library/x:1" {
		t.Fatal(s, ok, err)
	}
	s, ok, err = oci.ParseContainerdSource("containerd:///run/c.sock", "hello:1")
	if !ok || err != nil || s.Namespace != "default" || s.Ref != "hello:1" {
		t.Fatal(s, ok, err)
	}
	if _, ok, _ := oci.ParseContainerdSource("/some/dir", "x"); ok {
		t.Fatal("path taken for containerd")
	}
}
