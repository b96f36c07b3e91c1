package testimage

import (
	"archive/tar"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestPodTest(t *testing.T) {
	img, err := PodTest()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(img.Digest, "sha256:") {
		t.Fatalf("digest %q", img.Digest)
	}
	again, err := PodTest()
	if err != nil || again != img {
		t.Fatalf("second build differs: %v %v", again, err)
	}
}

// FromBinary's layer holds the binary and a writable /tmp and /etc, in that
// order, and its config runs the binary.
func TestFromBinary(t *testing.T) {
	img, err := FromBinary("testimage.go", "/prog", []string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers, %v", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var got []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %c %o %d", h.Name, h.Typeflag, h.Mode, h.ModTime.Unix()))
	}
	want := []string{"prog 0 755 0", "tmp/ 5 1777 0", "etc/ 5 1777 0"}
	if !slices.Equal(got, want) {
		t.Errorf("layer %q, want %q", got, want)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if c := cf.Config; !slices.Equal(c.Entrypoint, []string{"/prog"}) || !slices.Equal(c.Cmd, []string{"serve"}) || !slices.Equal(c.Env, []string{"PATH=/"}) || cf.OS != "linux" {
		t.Errorf("config %+v", cf)
	}
}
