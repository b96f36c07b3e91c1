package containerd

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// cgroupFS reads a runc container's CPU time, working set and whether it
// has processes straight from cgroupfs: the cheap path of UsageAll. runc
// puts a container of namespace ns at /<ns>/<id> (containerd's default
// cgroupsPath) in every v1 hierarchy, or under the v2 root.
type cgroupFS struct {
	root string // /sys/fs/cgroup
	v2   bool
}

func newCgroupFS() cgroupFS {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	return cgroupFS{root: "/sys/fs/cgroup", v2: err == nil}
}

// stats reads one container's counters into scratch's buffer. ok is false
// when the cgroup does not exist (no task, or a task already deleted).
func (c cgroupFS) stats(s *scratch, ns, id string) (cpuNanos, workingSet uint64, running, ok bool) {
	if c.v2 {
		dir := filepath.Join(c.root, ns, id)
		cpuStat, err := s.read(filepath.Join(dir, "cpu.stat"))
		if err != nil {
			return 0, 0, false, false
		}
		cpuNanos = statField(cpuStat, "usage_usec") * 1000
		cur := s.counter(filepath.Join(dir, "memory.current"))
		mstat, _ := s.read(filepath.Join(dir, "memory.stat"))
		workingSet = sat(cur, statField(mstat, "inactive_file"))
		running = s.counter(filepath.Join(dir, "pids.current")) > 0
		return cpuNanos, workingSet, running, true
	}
	usage, err := s.read(filepath.Join(c.root, "cpuacct", ns, id, "cpuacct.usage"))
	if err != nil {
		return 0, 0, false, false
	}
	cpuNanos = parseCounter(usage)
	mem := s.counter(filepath.Join(c.root, "memory", ns, id, "memory.usage_in_bytes"))
	mstat, _ := s.read(filepath.Join(c.root, "memory", ns, id, "memory.stat"))
	workingSet = sat(mem, statField(mstat, "total_inactive_file"))
	running = s.counter(filepath.Join(c.root, "pids", ns, id, "pids.current")) > 0
	return cpuNanos, workingSet, running, true
}

// scratch reads small pseudo-files (cgroupfs, sysfs) into one reused
// buffer. os.ReadFile allocates and zeroes a page-sized buffer per file
// (sysfs reports 4096 bytes for every file) and registers each file with
// the poller, and opening a cgroup file walks kernfs: at 1 Hz for hundreds
// of pods that was most of the meter's CPU (docs/benchmarks.md § Runtime).
// From newScratch, files stay open between rounds and are re-read with
// pread at offset 0, which regenerates their contents; a file whose cgroup
// or device was removed fails with ENODEV and is opened afresh, so a
// recreated cgroup at the same path is never read through a stale file.
type scratch struct {
	buf  []byte
	fds  map[string]int // nil: close each file after reading it
	used map[string]bool
}

func newScratch() *scratch {
	return &scratch{buf: make([]byte, 16<<10), fds: map[string]int{}, used: map[string]bool{}}
}

// read returns the file's contents, valid until the next read. Files longer
// than the buffer are truncated: the stat files read here are a few KiB.
func (s *scratch) read(path string) ([]byte, error) {
	if fd, ok := s.fds[path]; ok {
		if b, err := s.pread(fd); err == nil {
			s.used[path] = true
			return b, nil
		}
		syscall.Close(fd)
		delete(s.fds, path)
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	b, err := s.pread(fd)
	if err != nil || s.fds == nil {
		syscall.Close(fd)
	} else {
		s.fds[path], s.used[path] = fd, true
	}
	if err != nil {
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	return b, nil
}

func (s *scratch) pread(fd int) ([]byte, error) {
	n := 0
	for n < len(s.buf) {
		m, err := syscall.Pread(fd, s.buf[n:], int64(n))
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return s.buf[:n], nil
}

// sweep closes the kept files not read since the last sweep (pods deleted).
func (s *scratch) sweep() {
	for p, fd := range s.fds {
		if !s.used[p] {
			syscall.Close(fd)
			delete(s.fds, p)
		}
	}
	clear(s.used)
}

// close closes every kept file.
func (s *scratch) close() {
	clear(s.used)
	s.sweep()
}

// counter reads a file holding one decimal number; 0 if it cannot.
func (s *scratch) counter(path string) uint64 {
	b, err := s.read(path)
	if err != nil {
		return 0
	}
	return parseCounter(b)
}

func parseCounter(b []byte) uint64 {
	n, _ := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	return n
}

// statField returns the value of "key value" in a cgroup stat file (keys
// start a line).
func statField(b []byte, key string) uint64 {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			j = len(b) - i
		}
		line := b[i : i+j]
		if len(line) > len(key) && line[len(key)] == ' ' && string(line[:len(key)]) == key {
			n, _ := strconv.ParseUint(string(line[len(key)+1:]), 10, 64)
			return n
		}
		i += j + 1
	}
	return 0
}
