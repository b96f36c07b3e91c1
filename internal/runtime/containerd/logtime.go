package containerd

import (
	"bytes"
	"context"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
)

// The shim appends a container's raw output to its log file, without
// times. To tell when a line was written, the runtime notes each log
// file's size with the time, every logMarkInterval and at each task start
// and UsageAll: a line ending at offset o was written by the first mark
// whose size reaches o, and after the one before it. Lines written before
// the first mark (before this runtime watched the file) have no time.

// logMarkInterval is how often the sizes of the watched log files are
// noted: a line's time is late by at most this.
const logMarkInterval = time.Second

// logMark is a log file's size at a time.
type logMark struct {
	size int64
	at   time.Time
}

// maxLogMarks bounds the marks kept per file (about an hour at 1 Hz when
// the file grows every second; marks are only added when it grew).
const maxLogMarks = 4096

type logMarks struct {
	mu    sync.Mutex
	files map[string][]logMark
}

// mark notes the size of the log file at path now, if it grew.
func (m *logMarks) mark(path string, now time.Time) {
	size := int64(0) // a log file the shim has not created yet is empty
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	} else if !os.IsNotExist(err) {
		return
	}
	m.add(path, size, now, true)
}

// add appends a mark of size at now to path's, a new file's only if create.
func (m *logMarks) add(path string, size int64, now time.Time, create bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]logMark{}
	}
	ms, known := m.files[path]
	if !known && !create {
		return
	}
	if n := len(ms); n > 0 && size < ms[n-1].size {
		ms = nil // the file was cut (capLog): old offsets mean nothing now
	}
	if n := len(ms); n > 0 && size == ms[n-1].size {
		return
	}
	ms = append(ms, logMark{size, now})
	if len(ms) > maxLogMarks {
		ms = ms[len(ms)-maxLogMarks:]
	}
	m.files[path] = ms
}

// markAll notes the size of every file it has marks for. A file forgotten
// or removed meanwhile is left out, not marked again.
func (m *logMarks) markAll(now time.Time) {
	m.mu.Lock()
	paths := make([]string, 0, len(m.files))
	for p := range m.files {
		paths = append(paths, p)
	}
	m.mu.Unlock()
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		m.add(p, fi.Size(), now, false)
	}
}

// forget drops a file's marks (its pod is gone).
func (m *logMarks) forget(path string) {
	m.mu.Lock()
	delete(m.files, path)
	m.mu.Unlock()
}

// timeOf returns when the byte at offset end-1 was written, as far as the
// marks tell: a zero time with ok means after the last mark (so, just
// now); not ok means before the first (unknown).
func (m *logMarks) timeOf(path string, end int64) (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ms := m.files[path]
	if len(ms) == 0 || end <= ms[0].size {
		return time.Time{}, false // written before the first mark
	}
	i := sort.Search(len(ms), func(i int) bool { return ms[i].size >= end })
	if i == len(ms) {
		// After the last mark: written since, that is less than a
		// metering round before it is read.
		return time.Time{}, true
	}
	return ms[i].at, true
}

// stampWriter prefixes each line copied from a log file with its time.
// Lines the marks cannot place but that arrive while following are stamped
// with the time they were read (within the follow poll of their writing).
type stampWriter struct {
	w       io.Writer
	marks   *logMarks
	path    string
	offset  int64 // file offset of the next byte
	partial []byte
	live    bool // following and past the backlog: read ≈ written
	now     func() time.Time
}

func (s *stampWriter) Write(b []byte) (int, error) {
	n := len(b)
	s.partial = append(s.partial, b...)
	for {
		i := bytes.IndexByte(s.partial, '\n')
		if i < 0 {
			return n, nil
		}
		if err := s.line(s.partial[:i+1]); err != nil {
			return 0, err
		}
		s.partial = s.partial[i+1:]
	}
}

func (s *stampWriter) line(l []byte) error {
	s.offset += int64(len(l))
	stamp := runtime.NoTimestamp
	t, ok := s.marks.timeOf(s.path, s.offset)
	if (ok && t.IsZero()) || (!ok && s.live) {
		t, ok = s.now(), true // read as it is written, or nearly
	}
	if ok {
		stamp = t.UTC().Format(time.RFC3339Nano)
	}
	if _, err := io.WriteString(s.w, stamp+" "); err != nil {
		return err
	}
	_, err := s.w.Write(l)
	return err
}

// flush writes an unterminated last line.
func (s *stampWriter) flush() error {
	if len(s.partial) == 0 {
		return nil
	}
	l := append(s.partial, '\n')
	s.partial = nil
	return s.line(l)
}

// markLogs notes the watched log files' sizes every logMarkInterval until
// ctx ends (the metering that used to do it runs in the signing core).
func (r *Runtime) markLogs(ctx context.Context) {
	defer close(r.marksDone)
	t := time.NewTicker(logMarkInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.logMarks.markAll(r.now())
		}
	}
}
