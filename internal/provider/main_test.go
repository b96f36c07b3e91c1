package provider

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"testing"

	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
)

// TestMain lets this test binary run as a signing core process (what
// `tpod enclave --stdin` is): the provider's tests spawn their core as a
// process of its own, as `tpod provider run` does.
func TestMain(m *testing.M) {
	if os.Getenv("TPOD_TEST_CORE_CHILD") == "1" {
		core.Harden()
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		if err := core.ServeStdin(context.Background(), os.Stdin, func(c *core.Config) { c.Logger = log }); err != nil {
			log.Error("signing core", "err", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// coreCommand runs this test binary as a signing core.
func coreCommand(t testing.TB) func() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return func() *exec.Cmd {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), "TPOD_TEST_CORE_CHILD=1")
		cmd.Stderr = os.Stderr
		return cmd
	}
}

// coreMetering is how the core meters pods of rt: containerd's from their
// cgroups, the others' from the provider's reports.
func coreMetering(rt runtime.Runtime) core.MeterConfig {
	if c, ok := rt.(*containerd.Runtime); ok {
		return core.MeterConfig{Source: core.MeterCore, Namespace: c.Namespace(), PodsDir: c.PodsDir()}
	}
	return core.MeterConfig{Source: core.MeterReported}
}

// startCore spawns the world's signing core (again, after stopCore).
func (w *world) startCore(t *testing.T) {
	t.Helper()
	p, err := core.Spawn(context.Background(), coreCommand(t)(), w.coreCfg)
	if err != nil {
		t.Fatal(err)
	}
	w.coreProc = p
	w.cfg.Core = p.Client
	t.Cleanup(func() { w.stopCore() })
}

func (w *world) stopCore() {
	if w.coreProc != nil {
		w.coreProc.Stop()
		w.coreProc = nil
	}
}
