package cli

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain keeps the tests away from the user's own configuration and
// caches (contexts, the token cache), and makes tpod an executable that
// scripts can run as a process under the name tpod-bin (exec tpod-bin ...
// &name&), for flows that stop and restart a devnet. (Named "tpod", it
// would replace the in-process tpod command of the scripts.)
func TestMain(m *testing.M) {
	// One fixed directory: RunMain exits without returning, so nothing
	// could remove a directory of its own; nothing secret is written here.
	dir := filepath.Join(os.TempDir(), "tpod-cli-test")
	if os.Getenv("TPOD_CONFIG") == "" {
		os.Setenv("TPOD_CONFIG", filepath.Join(dir, "config.yaml"))
	}
	if os.Getenv("XDG_CACHE_HOME") == "" {
		os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	}
	testscript.RunMain(m, map[string]func() int{
		"tpod-bin": func() int {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
		},
	})
}
