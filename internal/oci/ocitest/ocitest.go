// Package ocitest builds real container images for tests: a static Go HTTP
// server compiled with CGO_ENABLED=0 and packed into an OCI image.
package ocitest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/trustedpods/tpod/internal/oci"
)

// ServerSource is the program in the image: it answers every request with
// the value of $GREETING (default "hello") and serves /run/secrets files at
// /secret/NAME. It listens on $PORT (default 8080).
const ServerSource = `package main

import (
	"net/http"
	"os"
	"path/filepath"
)

func main() {
	greeting := os.Getenv("GREETING")
	if greeting == "" {
		greeting = "hello"
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/secret/", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join("/run/secrets", filepath.Base(r.URL.Path)))
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(greeting + "\n"))
	})
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		os.Exit(1)
	}
}
`

var (
	buildOnce sync.Once
	binary    []byte
	buildErr  error
)

// ServerBinary compiles ServerSource once per test process (static, stripped).
func ServerBinary(t testing.TB) []byte {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ocitest")
		if err != nil {
			buildErr = err
			return
		}
		defer os.RemoveAll(dir)
		src := filepath.Join(dir, "main.go")
		if buildErr = os.WriteFile(src, []byte(ServerSource), 0o644); buildErr != nil {
			return
		}
		if buildErr = os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module server\n\ngo 1.22\n"), 0o644); buildErr != nil {
			return
		}
		out := filepath.Join(dir, "server")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = &buildError{err: err, out: string(b)}
			return
		}
		binary, buildErr = os.ReadFile(out)
	})
	if buildErr != nil {
		t.Fatalf("build test server: %v", buildErr)
	}
	return binary
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// ServerImage returns an OCI image whose entrypoint is the test server.
func ServerImage(t testing.TB) v1.Image {
	t.Helper()
	img, err := oci.NewImage([]oci.File{{Path: "/server", Mode: 0o755, Data: ServerBinary(t)}},
		oci.ImageConfig{Entrypoint: []string{"/server"}, Ports: []string{"8080/tcp"}})
	if err != nil {
		t.Fatal(err)
	}
	return img
}
