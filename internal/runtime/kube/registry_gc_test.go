package kube

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

// TestRegistryCollectsBlobs: deleting a pod removes the blobs of its images
// from the registry's disk, except those another pod's image still uses.
func TestRegistryCollectsBlobs(t *testing.T) {
	dir := t.TempDir()
	reg, err := NewRegistry("127.0.0.1:5000", dir)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := random.Image(1024, 1)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := random.Layer(2048, "application/vnd.oci.image.layer.v1.tar")
	if err != nil {
		t.Fatal(err)
	}
	own, err := mutate.AppendLayers(shared, extra) // shared's layer + one of its own
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := reg.Push(ctx, "pod-a", "web", own); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Push(ctx, "pod-b", "web", shared); err != nil {
		t.Fatal(err)
	}
	blobs := func() map[string]bool {
		out := map[string]bool{}
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				out[filepath.Base(p)] = true
			}
			return nil
		})
		return out
	}
	hex := func(d interface{ String() string }) string { return d.String()[len("sha256:"):] }
	extraDigest, _ := extra.Digest()
	sharedLayers, _ := shared.Layers()
	sharedDigest, _ := sharedLayers[0].Digest()
	if b := blobs(); !b[hex(extraDigest)] || !b[hex(sharedDigest)] {
		t.Fatalf("pushed blobs not on disk: %v", b)
	}
	if err := reg.Remove(ctx, "pod-a"); err != nil {
		t.Fatal(err)
	}
	b := blobs()
	if b[hex(extraDigest)] {
		t.Error("pod-a's own layer survived its deletion")
	}
	if !b[hex(sharedDigest)] {
		t.Error("a layer pod-b still uses was collected")
	}
	if err := reg.Remove(ctx, "pod-b"); err != nil {
		t.Fatal(err)
	}
	if b := blobs(); len(b) != 0 {
		t.Errorf("blobs left after every pod was removed: %v", b)
	}
	if len(reg.Pods()) != 0 {
		t.Errorf("registry still lists %v", reg.Pods())
	}
}
