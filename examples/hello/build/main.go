// Command build builds the hello example's container image without Docker
// or a registry: it compiles ../ (examples/hello) as a static Linux binary
// and writes a one-layer OCI image layout tar (reference hello:latest) that
// `tpod deploy --image hello:latest=FILE` reads.
//
//	go run ./examples/hello/build -o hello.tar
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/trustedpods/tpod/internal/oci"
)

func main() {
	out := flag.String("o", "hello.tar", "output OCI layout tar")
	ref := flag.String("ref", "hello:latest", "image reference recorded in the layout")
	src := flag.String("src", "", "directory of the Go program (default: examples/hello next to this builder)")
	flag.Parse()
	if err := run(*src, *out, *ref); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(src, out, ref string) error {
	if src == "" {
		_, self, _, _ := runtime.Caller(0)
		src = filepath.Dir(filepath.Dir(self))
	}
	tmp, err := os.MkdirTemp("", "hello-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "hello")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", src, err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	img, err := oci.NewImage([]oci.File{{Path: "/hello", Mode: 0o755, Data: data}},
		oci.ImageConfig{Entrypoint: []string{"/hello"}, Ports: []string{"8080/tcp"}})
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	info, err := oci.WriteLayoutTar(f, img, ref)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %s %s\n", out, ref, info.Digest)
	return nil
}
