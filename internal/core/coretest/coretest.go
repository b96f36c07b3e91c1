// Package coretest runs a signing core inside a test's process, on a real
// unix socket, for tests that cannot spawn `tpod enclave` (a package's
// test binary is not tpod). The daemon's side is the same core.Client.
package coretest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustedpods/tpod/internal/core"
)

// Start serves a core of cfg until the test ends and returns a client of
// it. An empty cfg.Dir is a new temporary directory; the socket is put in
// a short one of its own (unix socket paths are short).
func Start(t testing.TB, cfg core.Config) *core.Client {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	sockDir, err := os.MkdirTemp("", "tpc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	if cfg.Socket == "" {
		cfg.Socket = filepath.Join(sockDir, "core.sock")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	up := make(chan struct{})
	go func() { done <- core.Serve(ctx, cfg, func(string) { close(up) }) }()
	select {
	case <-up:
	case err := <-done:
		cancel()
		t.Fatalf("signing core: %v", err)
	}
	cl, err := core.Dial(ctx, cfg.Socket)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cl.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("signing core: %v", err)
		}
	})
	return cl
}
