package ipfs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/ipfs"
)

// TestRemote runs Store against an external kubo daemon's RPC API given in
// TPOD_TEST_KUBO_API (e.g. /ip4/127.0.0.1/tcp/5001). No kubo daemon is part
// of the test environment, so without it the test is skipped.
func TestRemote(t *testing.T) {
	addr := os.Getenv("TPOD_TEST_KUBO_API")
	if addr == "" {
		t.Skip("TPOD_TEST_KUBO_API not set: no external kubo daemon to test against")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := ipfs.NewRemote(addr)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 3<<20)
	rand.Read(data)
	c, err := r.Add(ctx, bytes.NewReader(data), ipfs.AddOptions{Pin: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != 1 {
		t.Fatalf("cid %s", c)
	}
	rc, size, err := r.Get(ctx, c, ipfs.GetOptions{MaxSize: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || size != int64(len(data)) || !bytes.Equal(got, data) {
		t.Fatalf("size %d, %d bytes, err %v", size, len(got), err)
	}
	if err := r.Unpin(ctx, c); err != nil {
		t.Fatal(err)
	}
}
