package containerdtest

import (
	"log/slog"
	"testing"
)

func TestRequire(t *testing.T) {
	t.Setenv("TPOD_TEST_CONTAINERD", "/run/x/containerd.sock")
	t.Setenv("TPOD_TEST_DATA", "/data")
	t.Setenv("TPOD_TEST_STATE", "/state")
	got := Require(t, "cli") // skips with -short or when not root
	want := Env{
		Address:   "/run/x/containerd.sock",
		Namespace: "tpod-test-cli",
		DataDir:   "/data/cli",
		StateDir:  "/state/cli",
		Network:   "tpod-test-cli",
		Bridge:    "tpt48f6513c", // zlib.crc32(b"cli") in Python
	}
	if got != want {
		t.Errorf("Require = %+v, want %+v", got, want)
	}
}

func TestLogger(t *testing.T) {
	l := Logger(t, slog.LevelWarn)
	if l.Enabled(t.Context(), slog.LevelInfo) || !l.Enabled(t.Context(), slog.LevelWarn) {
		t.Error("Logger does not filter by level")
	}
	l.Warn("written to t.Log", "k", "v")
	if n, err := Writer(t).Write([]byte("  line \n")); n != 8 || err != nil {
		t.Errorf("Write = %d, %v", n, err)
	}
}
