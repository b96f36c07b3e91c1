package ipfs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	manet "github.com/multiformats/go-multiaddr/net"

	"github.com/trustedpods/tpod/internal/ipfs"
)

func newNode(t *testing.T) *ipfs.Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := ipfs.NewNode(ctx, ipfs.Config{Logger: slog.New(slog.NewTextHandler(tWriter{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

func TestTwoNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two kubo nodes")
	}
	a, b := newNode(t), newNode(t)
	for _, n := range []*ipfs.Node{a, b} {
		for _, addr := range n.Host().Addrs() {
			ip, err := manet.ToIP(addr)
			if err != nil || !ip.IsLoopback() {
				t.Fatalf("listens on %s", addr)
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	data := make([]byte, 5<<20+123)
	rand.Read(data)
	var added int64
	c, err := a.Add(ctx, bytes.NewReader(data), ipfs.AddOptions{Pin: true, Progress: func(n int64) { added = n }})
	if err != nil {
		t.Fatal(err)
	}
	if c.Version() != 1 || added != int64(len(data)) {
		t.Fatalf("cid %s, progress %d", c, added)
	}
	if err := b.Connect(ctx, a.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	// Size limit: refused before any content is read.
	if _, _, err := b.Get(ctx, c, ipfs.GetOptions{MaxSize: int64(len(data)) - 1}); !errors.Is(err, ipfs.ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	var got int64
	rc, size, err := b.Get(ctx, c, ipfs.GetOptions{MaxSize: int64(len(data)), Progress: func(n int64) { got = n }})
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if size != int64(len(data)) || !bytes.Equal(out, data) || got != size {
		t.Fatalf("size %d, got %d bytes, progress %d", size, len(out), got)
	}
	if err := b.Pin(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := b.Unpin(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Every connection either node holds is on loopback: nothing went outside.
	for _, n := range []*ipfs.Node{a, b} {
		for _, conn := range n.Host().Network().Conns() {
			ip, err := manet.ToIP(conn.RemoteMultiaddr())
			if err != nil || !ip.IsLoopback() {
				t.Fatalf("connection to %s", conn.RemoteMultiaddr())
			}
		}
	}
}

// TestNoOutsideConnections starts a node, lets it run, and checks that no
// socket of this process has a remote address outside loopback.
func TestNoOutsideConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kubo node")
	}
	newNode(t)
	time.Sleep(2 * time.Second)
	inodes := map[string]bool{}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, fd := range fds {
		l, err := os.Readlink("/proc/self/fd/" + fd.Name())
		if err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	for _, table := range []string{"tcp", "tcp6", "udp", "udp6"} {
		data, err := os.ReadFile("/proc/self/net/" + table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || !inodes[f[9]] {
				continue
			}
			remote := f[2]
			hexIP := remote[:strings.Index(remote, ":")]
			if strings.Trim(hexIP, "0") == "" || hexIP == "0100007F" || hexIP == "00000000000000000000000001000000" ||
				hexIP == "0000000000000000FFFF00000100007F" {
				continue
			}
			t.Errorf("%s socket to %s", table, remote)
		}
	}
}

// ComputeCID agrees with Add and stores nothing.
func TestComputeCID(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kubo nodes")
	}
	ctx := context.Background()
	data := make([]byte, 3<<20+7)
	rand.Read(data)
	want, err := ipfs.ComputeCID(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := newNode(t)
	got, err := n.Add(ctx, bytes.NewReader(data), ipfs.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("ComputeCID %s, Add %s", want, got)
	}
}
