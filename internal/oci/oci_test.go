package oci_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
)

// Every source form loads back into the same image, and WriteLayoutTar's
// output is deterministic, sized as Inspect predicts, and loads again.
func TestSourcesRoundTrip(t *testing.T) {
	img := ocitest.ServerImage(t)
	want, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	if err := oci.WriteLayoutDir(layoutDir, img, "hello:latest"); err != nil {
		t.Fatal(err)
	}
	docker := filepath.Join(dir, "docker.tar")
	if err := oci.WriteDockerArchive(docker, img, "hello:latest"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	info, err := oci.WriteLayoutTar(&buf, img, "hello:latest")
	if err != nil {
		t.Fatal(err)
	}
	pre, err := oci.Inspect(img, "hello:latest")
	if err != nil {
		t.Fatal(err)
	}
	if pre != info || info.Size != int64(buf.Len()) || info.Digest != want {
		t.Fatalf("inspect %+v, write %+v, len %d, digest %s", pre, info, buf.Len(), want)
	}
	ociTar := filepath.Join(dir, "oci.tar")
	if err := os.WriteFile(ociTar, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []struct{ path, ref string }{
		{layoutDir, ""}, {layoutDir, "hello:latest"}, {ociTar, ""}, {ociTar, "hello:latest"}, {docker, ""}, {docker, "hello:latest"},
	} {
		got, err := oci.Load(src.path, src.ref)
		if err != nil {
			t.Fatalf("%s: %v", src.path, err)
		}
		d, err := got.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if src.path != docker && d != want {
			t.Fatalf("%s: digest %s, want %s", src.path, d, want)
		}
		var again bytes.Buffer
		if _, err := oci.WriteLayoutTar(&again, got, "hello:latest"); err != nil {
			t.Fatalf("%s: rewrite: %v", src.path, err)
		}
		if src.path != docker && !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Fatalf("%s: layout tar not deterministic", src.path)
		}
	}
	if _, err := oci.Load(layoutDir, "other:1"); err == nil {
		t.Fatal("loaded a missing ref")
	}
}

// A layer whose bytes do not match its digest is refused while writing.
func TestCorruptLayer(t *testing.T) {
	img := ocitest.ServerImage(t)
	var buf bytes.Buffer
	if _, err := oci.WriteLayoutTar(&buf, img, ""); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Flip a byte in the middle (inside the layer, the largest blob).
	b[len(b)/2] ^= 0xff
	p := filepath.Join(t.TempDir(), "bad.tar")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := oci.Load(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oci.WriteLayoutTar(&bytes.Buffer{}, got, ""); err == nil {
		t.Fatal("corrupt layer accepted")
	}
}

// Sources holding several images need a reference to pick one.
func TestMultiImageSources(t *testing.T) {
	a, err := oci.NewImage([]oci.File{{Path: "/a", Data: []byte("a")}}, oci.ImageConfig{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := oci.NewImage([]oci.File{{Path: "/b", Data: []byte("b")}}, oci.ImageConfig{})
	if err != nil {
		t.Fatal(err)
	}
	wantB, _ := b.Digest()
	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	if err := oci.WriteLayoutDir(layoutDir, a, "a:1"); err != nil {
		t.Fatal(err)
	}
	p, err := layout.FromPath(layoutDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(b, layout.WithAnnotations(map[string]string{oci.AnnotationRefName: "b:1"})); err != nil {
		t.Fatal(err)
	}
	docker := filepath.Join(dir, "docker.tar")
	ta, _ := name.NewTag("a:1")
	tb, _ := name.NewTag("b:1")
	if err := tarball.MultiWriteToFile(docker, map[name.Tag]v1.Image{ta: a, tb: b}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{layoutDir, docker} {
		if _, err := oci.Load(src, ""); err == nil {
			t.Errorf("%s: loaded without a reference", src)
		}
		img, err := oci.Load(src, "b:1")
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if src == layoutDir {
			if d, _ := img.Digest(); d != wantB {
				t.Errorf("%s: got %s", src, d)
			}
		} else if cf, _ := img.ConfigFile(); cf == nil {
			t.Errorf("%s: no config", src)
		}
	}
}
