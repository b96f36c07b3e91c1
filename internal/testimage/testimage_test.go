package testimage

import (
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
