package bundle_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"io"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
)

// A publisher's node adds a bundle; a provider's node on 127.0.0.1 fetches
// it by CID and the provider's (opaque) key opens it.
func TestBundleOverIPFS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two kubo nodes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pub, err := ipfs.NewNode(ctx, ipfs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	prov, err := ipfs.NewNode(ctx, ipfs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer prov.Close()

	pod, err := manifest.Load([]byte(podYAML), "pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := bundle.GenerateIdentity()
	plan, err := bundle.NewPlan(pod, bundle.BuildOptions{
		Recipients: []*ecdh.PublicKey{key.PublicKey()},
		Images:     map[string]v1.Image{"hello:latest": ocitest.ServerImage(t)},
		Secrets:    map[string][]byte{"db-password": []byte("pw"), "api-token": []byte("tok")},
	})
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := plan.Write(pw)
		pw.CloseWithError(err)
	}()
	c, err := pub.Add(ctx, pr, ipfs.AddOptions{Pin: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := prov.Connect(ctx, pub.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	rc, size, err := prov.Get(ctx, c, ipfs.GetOptions{MaxSize: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if size != plan.Header().TotalSize() {
		t.Fatalf("size %d, header says %d", size, plan.Header().TotalSize())
	}
	br, err := bundle.NewReader(rc, enclaveKey{key}, bundle.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if br.Pod().Hash() != plan.Pod().Hash() {
		t.Fatal("pod differs")
	}
	secrets := map[string]string{}
	for {
		b, err := br.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, b); err != nil {
			t.Fatal(err)
		}
		if b.Kind == bundle.KindSecret {
			secrets[b.Name] = buf.String()
		}
	}
	if secrets["db-password"] != "pw" || secrets["api-token"] != "tok" {
		t.Fatalf("secrets %v", secrets)
	}
}
