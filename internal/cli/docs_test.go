package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
)

// docsSubnet is the pod subnet of the devnet the documentation's examples
// start (docs/development.md, "Test networks").
const docsSubnet = "172.30.237.0/24"

// docBlock is a ```sh block of a document, with the doctest annotation of
// the line before it.
type docBlock struct {
	line  int
	mode  string // "" (run), "skip", "background"
	lines []string
}

// shellBlocks returns the ```sh blocks of a Markdown document in order; an
// HTML comment `<!-- doctest: skip -->` or `<!-- doctest: background -->`
// right before a block marks it. Inside reads only the part of the
// document from the heading that contains within ("" for all of it) to the
// next heading of the same level.
func shellBlocks(t *testing.T, file, within string) []docBlock {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docBlock
	var cur *docBlock
	mode, in := "", within == ""
	level := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if cur == nil && strings.HasPrefix(l, "#") {
			h := len(l) - len(strings.TrimLeft(l, "#"))
			if within != "" && strings.Contains(l, within) {
				in, level = true, h
			} else if in && within != "" && h <= level {
				in = false
			}
		}
		switch {
		case cur != nil && strings.HasPrefix(l, "```"):
			if in {
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, l)
		case l == "```sh":
			cur = &docBlock{line: n + 1, mode: mode}
			mode = ""
		case strings.HasPrefix(l, "<!-- doctest:"):
			mode = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "<!-- doctest:"), "-->"))
		case strings.TrimSpace(l) != "":
			mode = ""
		}
	}
	return out
}

// TestDocExamples runs the command examples of docs/tutorial.md and of the
// README's tutorial as written, in order, in a directory that mirrors the
// repository (its top-level entries linked) so that their relative paths
// and `go run` work while their outputs (devnet.json, hello.tar, ...) stay
// out of the checkout. `tpod` is this test binary; `sudo` runs its command.
// The only change made to them: `tpod devnet up` gets free ports (for its
// HTTPS gateway and metrics too), the private containerd and a subnet of
// its own, so that it runs beside other tests. Blocks marked `<!-- doctest: skip -->` (installing packages,
// building into /usr/local) are not run; `<!-- doctest: background -->`
// blocks start in the background and are stopped (SIGTERM) at the end.
func TestDocExamples(t *testing.T) {
	e := containerdtest.Require(t, "clidocs")
	for _, doc := range []struct{ name, file, within string }{
		{"tutorial", "../../docs/tutorial.md", ""},
		{"readme", "../../README.md", "Tutorial"},
	} {
		t.Run(doc.name, func(t *testing.T) {
			blocks := shellBlocks(t, doc.file, doc.within)
			if len(blocks) == 0 {
				t.Fatalf("%s: no sh blocks", doc.file)
			}
			dir := docsWorkdir(t)
			var script strings.Builder
			fmt.Fprintf(&script, "set -euxo pipefail\nsudo() { \"$@\"; }\nbg=()\ntrap 'for p in \"${bg[@]}\"; do kill -TERM $p 2>/dev/null; wait $p 2>/dev/null || true; done' EXIT\n")
			devnetFlags := fmt.Sprintf("--http-port 0 --ws-port 0 --gateway 127.0.0.1:0 --containerd %s --namespace %s --bridge %s --subnet %s",
				e.Address, e.Namespace, e.Bridge, docsSubnet)
			for _, b := range blocks {
				if b.mode == "skip" {
					continue
				}
				fmt.Fprintf(&script, "echo '### %s:%d' >&2\n", filepath.Base(doc.file), b.line)
				for _, l := range joinContinued(b.lines) {
					if strings.HasPrefix(strings.TrimSpace(l), "#") || strings.TrimSpace(l) == "" {
						continue
					}
					l = strings.Replace(l, "tpod devnet up", "tpod devnet up "+devnetFlags, 1)
					l = strings.Replace(l, "--gateway-https 127.0.0.1:8443", "--gateway-https 127.0.0.1:0", 1)
					l = strings.Replace(l, "--metrics 127.0.0.1:9100", "--metrics 127.0.0.1:0", 1)
					if b.mode == "background" {
						// The devnet's output goes to a file, as a second terminal would show it.
						// Run directly (not through the sudo function), so
						// that $! is tpod itself: a background subshell of a
						// script ignores SIGINT.
						l = strings.TrimSuffix(strings.TrimSpace(stripComment(l)), "&")
						l = strings.TrimPrefix(l, "sudo ")
						fmt.Fprintf(&script, "%s > devnet.log 2>&1 &\nbg+=($!)\n", l)
						continue
					}
					fmt.Fprintln(&script, l)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"),
				"TPOD_CONFIG="+filepath.Join(dir, ".config", "tpod", "config.yaml"),
				"TPOD_STATE_DIR="+filepath.Join(dir, "state"),
				"TPOD_NETWORK=", "TPOD_CONTEXT=")
			if gc := userGoCache(); gc != "" {
				cmd.Env = append(cmd.Env, "GOCACHE="+gc)
			}
			// The script's own process group: a timeout ends the devnet
			// it started in the background too.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			cmd.WaitDelay = 10 * time.Second
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if testing.Verbose() {
				cmd.Stdout = io.MultiWriter(&out, os.Stderr)
				cmd.Stderr = cmd.Stdout
			}
			err := cmd.Run()
			t.Logf("script:\n%s\noutput:\n%s", script.String(), out.Bytes())
			if log, _ := os.ReadFile(filepath.Join(dir, "devnet.log")); len(log) > 0 {
				t.Logf("devnet.log:\n%s", log)
			}
			if err != nil {
				t.Fatalf("the examples of %s do not run as written: %v", doc.file, err)
			}
		})
	}
}

// docsWorkdir mirrors the repository's top level with links, and puts
// this test binary on PATH as tpod (and as bin/tpod, which the README
// builds).
func docsWorkdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range ents {
		if ent.Name() == "bin" || strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		if err := os.Symlink(filepath.Join(root, ent.Name()), filepath.Join(dir, ent.Name())); err != nil {
			t.Fatal(err)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	if err := os.Symlink(exe, filepath.Join(dir, "bin", "tpod")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// joinContinued joins lines ending in a backslash with the next.
func joinContinued(lines []string) []string {
	var out []string
	cur := ""
	for _, l := range lines {
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// stripComment removes a trailing shell comment (" # ...") from a line.
func stripComment(l string) string {
	if i := strings.Index(l, " #"); i >= 0 {
		return l[:i]
	}
	return l
}

// userGoCache is the Go build cache `go run` should use: the user's, not
// the empty one under the XDG_CACHE_HOME that TestMain sets when there is
// none (a cold cache would compile the example's packages again). "" keeps
// the environment's.
func userGoCache() string {
	if os.Getenv("GOCACHE") != "" || !strings.HasPrefix(os.Getenv("XDG_CACHE_HOME"), filepath.Join(os.TempDir(), "tpod-cli-test")) {
		return ""
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(h, ".cache", "go-build")
}
