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
// would replace the in-process tpod command of the scripts.) It also
// serves as tpod's signing core: `tpod devnet up` run in a test starts its
// provider's core as `<this executable> enclave --stdin` (os.Executable),
// as the real binary does.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "enclave" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	// One fixed directory: RunMain exits without returning, so nothing
	// could remove a directory of its own; nothing secret is written here.
	dir := filepath.Join(os.TempDir(), "tpod-cli-test")
	if os.Getenv("TPOD_CONFIG") == "" {
		os.Setenv("TPOD_CONFIG", filepath.Join(dir, "config.yaml"))
	}
	if os.Getenv("XDG_CACHE_HOME") == "" {
		os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	}
	// Run as tpod (a link to this binary: the documentation's examples).
	if filepath.Base(os.Args[0]) == "tpod" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	testscript.RunMain(m, map[string]func() int{
		"tpod-bin": func() int {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
		},
	})
}

// runInScriptEnv runs tpod in this process as the script's command: in its
// work directory, with the script's values of the keys as environment
// (tpod reads TPOD_* at run time), restoring both afterwards. The caller
// serializes (the process has one environment and one directory).
func runInScriptEnv(ts *testscript.TestScript, neg bool, args []string, keys []string) {
	wd, err := os.Getwd()
	ts.Check(err)
	ts.Check(os.Chdir(ts.Getenv("WORK")))
	defer os.Chdir(wd)
	for _, k := range keys {
		old, had := os.LookupEnv(k)
		os.Setenv(k, ts.Getenv(k))
		defer func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		}()
	}
	code := Main(context.Background(), args, ts.Stdout(), ts.Stderr())
	if neg && code == 0 {
		ts.Fatalf("tpod %v succeeded unexpectedly", args)
	}
	if !neg && code != 0 {
		ts.Fatalf("tpod %v exited %d", args, code)
	}
}
