// Command imagebuild builds the provider's guest image (make image; see
// docs/image.md): it fetches the Debian packages pinned in the lock file
// (apt-get download, SHA-256 checked), extracts them, packs the initrd
// deterministically and writes vmlinuz, initrd.img, cmdline and image.json.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/trustedpods/tpod/internal/image"
)

func main() {
	var in image.Inputs
	var out string
	flag.StringVar(&in.Lock, "lock", "image/debs.lock", "lock file")
	flag.StringVar(&in.Spec, "spec", "image/initrd.spec", "initrd spec")
	flag.StringVar(&in.Config, "config", "image/config.json", "image-fixed provider configuration")
	flag.StringVar(&in.Cmdline, "cmdline", "image/cmdline", "kernel command line")
	flag.StringVar(&in.Tpod, "tpod", "bin/release/tpod", "the reproducible tpod (make release)")
	flag.StringVar(&in.DebCache, "debs", "/var/cache/tpod/debs", "cache of .deb files")
	flag.Int64Var(&in.Epoch, "epoch", 0, "SOURCE_DATE_EPOCH: the initrd's mtimes")
	flag.StringVar(&out, "out", "bin/image", "output directory")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, in, out); err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in image.Inputs, out string) error {
	var rel struct{ Version, SHA256 string }
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(in.Tpod), "tpod.json")); err == nil {
		json.Unmarshal(b, &rel)
	}
	in.TpodVersion = rel.Version
	pkgs, err := image.ReadLock(in.Lock)
	if err != nil {
		return err
	}
	if err := image.Fetch(ctx, pkgs, in.DebCache, os.Stderr); err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "tpod-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	in.Work = work
	m, err := image.Build(ctx, in, out, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Printf("kernel  %s  %s\ninitrd  %s  %s\ncmdline %s  %q\n", m.Kernel.SHA256, m.Kernel.File, m.Initrd.SHA256, m.Initrd.File, m.Cmdline.SHA256, m.Cmdline.Value)
	return nil
}
