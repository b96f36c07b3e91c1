// Package benchdoc writes benchmark reports into docs/benchmarks.md, where
// each area's report test (run by scripts/bench.sh) owns one "## <area>"
// section, and describes the machine the figures were measured on.
//
// It is for tests: the report tests call it with TPOD_BENCH_WRITE=1.
package benchdoc

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// File is the benchmark document, relative to the module root.
const File = "docs/benchmarks.md"

// Path returns the absolute path of File, found by walking up from the
// working directory (a test runs in its package's directory) to the
// directory that holds go.mod.
func Path() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("benchdoc: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(File)), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("benchdoc: no go.mod above the working directory")
		}
		dir = parent
	}
}

// WriteSection replaces the section of docs/benchmarks.md that starts with
// the line heading (a "## " heading) and runs up to the next "## " line, or
// appends it if there is none. body is the section's text after the
// heading. Sections stay separated by one blank line. The file is created
// with a "# Benchmarks" title if absent and replaced atomically; writers in
// other processes wait for each other.
func WriteSection(heading, body string) error {
	path, err := Path()
	if err != nil {
		return err
	}
	return writeSection(path, heading, body)
}

func writeSection(path, heading, body string) error {
	if !strings.HasPrefix(heading, "## ") || strings.ContainsAny(heading, "\r\n") {
		return fmt.Errorf("benchdoc: heading %q is not one \"## \" line", heading)
	}
	if b := strings.TrimLeft(body, "\n"); b == heading || strings.HasPrefix(b, heading+"\n") {
		return fmt.Errorf("benchdoc: the body of %q starts with its heading", heading)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("benchdoc: %w", err)
	}
	// Lock the directory, not the file: the file is replaced by a rename.
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("benchdoc: %w", err)
	}
	defer d.Close()
	if err := syscall.Flock(int(d.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("benchdoc: lock %s: %w", dir, err)
	}
	defer syscall.Flock(int(d.Fd()), syscall.LOCK_UN)

	mode := fs.FileMode(0o644)
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("benchdoc: %w", err)
	default:
		if fi, err := os.Stat(path); err == nil {
			mode = fi.Mode().Perm()
		}
	}
	return writeAtomic(path, []byte(replaceSection(string(old), heading, body)), mode)
}

// replaceSection returns doc with the section under heading replaced by (or
// appended as) heading and body.
func replaceSection(doc, heading, body string) string {
	if strings.TrimSpace(doc) == "" {
		doc = "# Benchmarks\n"
	}
	section := heading + "\n\n" + strings.Trim(body, "\n") + "\n"
	lines := strings.SplitAfter(doc, "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		if start < 0 {
			if strings.TrimSuffix(l, "\n") == heading {
				start = i
			}
		} else if strings.HasPrefix(l, "## ") {
			end = i
			break
		}
	}
	if start < 0 {
		return strings.TrimRight(doc, "\n") + "\n\n" + section
	}
	after := strings.TrimLeft(strings.Join(lines[end:], ""), "\n")
	if after != "" {
		section += "\n"
	}
	return strings.Join(lines[:start], "") + section + after
}

func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("benchdoc: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("benchdoc: write %s: %w", path, err)
	}
	return nil
}

// CPUModel returns the "model name" of the first CPU in /proc/cpuinfo, or
// "unknown CPU".
func CPUModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// Machine describes the machine as "<n> cores, <CPU model>".
func Machine() string {
	return fmt.Sprintf("%d cores, %s", runtime.NumCPU(), CPUModel())
}

// LoadAvg returns the one-minute load average from /proc/loadavg, or "?".
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// Bench is one row of a time-per-operation table.
type Bench struct {
	Name string
	F    func(*testing.B)
}

// TimeTable runs each benchmark and returns a report section: the command
// that made it, the machine and its load, then "| operation | time per op |"
// rows in milliseconds. logf receives each raw result.
func TimeTable(command string, rows []Bench, logf func(format string, args ...any)) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "`%s` on %s, load average %s at the start.\n\n", command, Machine(), LoadAvg())
	sb.WriteString("| operation | time per op |\n|---|---|\n")
	for _, r := range rows {
		res := testing.Benchmark(r.F)
		fmt.Fprintf(&sb, "| %s | %.2f ms |\n", r.Name, float64(res.NsPerOp())/1e6)
		logf("%s: %s", r.Name, res)
	}
	return sb.String()
}
