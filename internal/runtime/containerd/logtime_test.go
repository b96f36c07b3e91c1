package containerd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Lines get the time of the first size mark that covers them; lines from
// before the first mark get "-", lines read live get the read time.
func TestLogTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.log")
	var m logMarks
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	os.WriteFile(path, []byte("before\n"), 0o600)
	m.mark(path, t0) // the file as the runtime first saw it
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("one\ntwo\n")
	m.mark(path, t0.Add(time.Second))
	f.WriteString("three\n")
	m.mark(path, t0.Add(2*time.Second))
	m.mark(path, t0.Add(3*time.Second)) // no growth: no mark
	f.WriteString("four")
	f.Close()
	var out strings.Builder
	sw := &stampWriter{w: &out, marks: &m, path: path, now: func() time.Time { return t0.Add(9 * time.Second) }}
	b, _ := os.ReadFile(path)
	sw.Write(b[:5]) // a line may arrive in pieces
	sw.Write(b[5:])
	sw.live = true
	sw.flush()
	want := "- before\n" +
		"2026-12-03T10:00:01Z one\n" +
		"2026-12-03T10:00:01Z two\n" +
		"2026-12-03T10:00:02Z three\n" +
		"2026-12-03T10:00:09Z four\n"
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	// A cut file starts its marks over.
	os.WriteFile(path, []byte("x\n"), 0o600)
	m.mark(path, t0.Add(10*time.Second))
	if _, ok := m.timeOf(path, 2); ok {
		t.Fatal("the first mark after a cut times the bytes before it")
	}
}

// markAll marks the files already watched, and neither a forgotten one nor
// one removed from disk comes back.
func TestLogMarkAll(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log"), filepath.Join(dir, "c.log")
	var m logMarks
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, p := range []string{a, b, c} {
		m.mark(p, t0) // task start: not created yet, size 0
		os.WriteFile(p, []byte("line\n"), 0o600)
	}
	m.forget(b)
	os.Remove(c)
	m.markAll(t0.Add(time.Second))
	if at, ok := m.timeOf(a, 5); !ok || !at.Equal(t0.Add(time.Second)) {
		t.Fatalf("a watched file's line: %v %v, want the tick's time", at, ok)
	}
	if _, known := m.files[b]; known {
		t.Fatal("a forgotten file was marked again")
	}
	if ms := m.files[c]; len(ms) != 1 {
		t.Fatalf("a removed file got marks %v", ms)
	}
	os.WriteFile(filepath.Join(dir, "d.log"), []byte("x\n"), 0o600)
	m.markAll(t0.Add(2 * time.Second))
	if len(m.files) != 2 {
		t.Fatalf("files %v: a file never watched was added", m.files)
	}
}
