package image

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Fetch makes sure every package is in cacheDir with its locked SHA-256,
// downloading missing ones with `apt-get download name:arch=version` (the
// only network access of an image build). A file whose hash differs is
// never used: a cached one is replaced, a downloaded one is an error.
func Fetch(ctx context.Context, pkgs []Package, cacheDir string, log io.Writer) error {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	updated := false
	for _, p := range pkgs {
		path := filepath.Join(cacheDir, p.FileName())
		if sum, err := FileSHA256(path); err == nil && sum == p.SHA256 {
			continue
		}
		tmp, err := os.MkdirTemp(cacheDir, ".download-")
		if err != nil {
			return err
		}
		// apt drops privileges to _apt for downloads: let it write here.
		os.Chmod(tmp, 0o777)
		fmt.Fprintf(log, "image: apt-get download %s=%s\n", p.Name, p.Version)
		download := func() ([]byte, error) {
			cmd := exec.CommandContext(ctx, "apt-get", "download", "-q", p.Name+":"+p.Arch+"="+p.Version)
			cmd.Dir = tmp
			return cmd.CombinedOutput()
		}
		out, err := download()
		if err != nil && !updated {
			// The package lists may predate the lock: refresh them once.
			fmt.Fprintf(log, "image: apt-get update\n")
			if uout, uerr := exec.CommandContext(ctx, "apt-get", "update", "-qq").CombinedOutput(); uerr != nil {
				fmt.Fprintf(log, "image: apt-get update: %v: %s\n", uerr, uout)
			}
			updated = true
			out, err = download()
		}
		if err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("apt-get download %s=%s: %v: %s (is the version still served? refresh the lock: make image-lock)", p.Name, p.Version, err, out)
		}
		got := filepath.Join(tmp, p.FileName())
		sum, err := FileSHA256(got)
		if err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("downloaded %s: %w", p.FileName(), err)
		}
		if sum != p.SHA256 {
			os.RemoveAll(tmp)
			return fmt.Errorf("%s: SHA-256 %s, the lock says %s: refusing it", p.FileName(), sum, p.SHA256)
		}
		if err := os.Rename(got, path); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		os.RemoveAll(tmp)
	}
	return nil
}
