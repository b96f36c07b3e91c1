// Package containerdtest gives tests the private containerd that
// scripts/testenv-containerd.sh starts, and loggers that write to t.Log.
// It is for tests only (it imports testing).
//
// It does not import the containerd runtime package, so that package's own
// (internal) tests can use it as well; callers build their containerd.Config
// from an Env with the pod subnet of their own (docs/development.md, "Test
// networks").
package containerdtest

import (
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Env is one test user's share of the private containerd: the daemon's
// address and a namespace, directories and network names derived from the
// user's name.
type Env struct {
	Address   string // socket of the daemon, from TPOD_TEST_CONTAINERD
	Namespace string // "tpod-test-" + name
	DataDir   string // TPOD_TEST_DATA/name
	StateDir  string // TPOD_TEST_STATE/name
	Network   string // CNI network name, "tpod-test-" + name
	Bridge    string // "tpt" + CRC-32 (IEEE) of name in hex
}

// Require returns the Env of name, or skips the test: with -short, when
// TPOD_TEST_CONTAINERD is not set, or when not running as root. Under
// CI=true a missing TPOD_TEST_CONTAINERD fails the test instead. Without
// TPOD_TEST_DATA and TPOD_TEST_STATE the directories of the script's
// defaults are used.
func Require(t testing.TB, name string) Env {
	t.Helper()
	if testing.Short() {
		t.Skip("needs a private containerd (skipped with -short)")
	}
	addr := os.Getenv("TPOD_TEST_CONTAINERD")
	if addr == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TPOD_TEST_CONTAINERD is not set: run scripts/testenv-containerd.sh start")
		}
		t.Skip("TPOD_TEST_CONTAINERD not set; eval \"$(scripts/testenv-containerd.sh start)\"")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root")
	}
	data, state := os.Getenv("TPOD_TEST_DATA"), os.Getenv("TPOD_TEST_STATE")
	if data == "" || state == "" {
		data, state = "/var/lib/tpod-test/data", "/run/tpod-test/tpod"
	}
	return Env{
		Address:   addr,
		Namespace: "tpod-test-" + name,
		DataDir:   filepath.Join(data, name),
		StateDir:  filepath.Join(state, name),
		Network:   "tpod-test-" + name,
		Bridge:    fmt.Sprintf("tpt%x", crc32.ChecksumIEEE([]byte(name))),
	}
}

// Logger returns a text logger of records at level and above that writes
// each record to t.Log.
func Logger(t testing.TB, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(Writer(t), &slog.HandlerOptions{Level: level}))
}

// Writer returns a writer that passes each Write, trimmed of surrounding
// white space, to t.Log.
func Writer(t testing.TB) io.Writer { return logWriter{t} }

type logWriter struct{ t testing.TB }

func (w logWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
