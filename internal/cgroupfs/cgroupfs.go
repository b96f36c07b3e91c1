// Package cgroupfs reads containers' counters straight from cgroupfs and
// procfs: CPU time, memory working set, whether a container has processes,
// and the bytes sent by the network namespace it runs in. The containerd
// backend's UsageAll and the signing core's meter read through it
// (docs/runtime.md "Metering", docs/attestation.md §10).
//
// runc (and runsc, for its sandbox) puts a container of containerd
// namespace ns at /<ns>/<id> (containerd's default cgroupsPath) in every v1
// hierarchy, or under the v2 root.
package cgroupfs

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Hierarchy is a host's cgroup mount.
type Hierarchy struct {
	// Root is where cgroupfs is mounted (/sys/fs/cgroup).
	Root string
	// V2 is set on a unified (cgroup v2) host.
	V2 bool
}

// Detect returns the hierarchy mounted at root.
func Detect(root string) Hierarchy {
	_, err := os.Stat(filepath.Join(root, "cgroup.controllers"))
	return Hierarchy{Root: root, V2: err == nil}
}

// Container is one reading of a container's cgroup.
type Container struct {
	// CPUNanos is the CPU time its processes used since the cgroup was
	// created.
	CPUNanos uint64
	// WorkingSet is its memory in use: usage minus inactive file cache.
	WorkingSet uint64
	// Running is set when the cgroup has processes, PIDs.
	Running bool
	PIDs    []int
	// Frozen is set when its freezer holds them (they get no CPU; they
	// keep their memory).
	Frozen bool
	// ID identifies the cgroup: it changes when a cgroup of the same path
	// is created again (a new run, whose counters start at zero).
	ID uint64
}

// CPUDir is the directory whose entries are the containers' cgroups of
// namespace ns (for listing them).
func (h Hierarchy) CPUDir(ns string) string {
	if h.V2 {
		return filepath.Join(h.Root, ns)
	}
	return filepath.Join(h.Root, "cpuacct", ns)
}

// Created is when a container's cgroup was created (its directory's
// modification time: cgroupfs sets it when the cgroup is made, and
// containers do not create cgroups below theirs).
func (h Hierarchy) Created(ns, id string) (time.Time, error) {
	fi, err := os.Stat(filepath.Join(h.CPUDir(ns), id))
	if err != nil {
		return time.Time{}, err
	}
	return fi.ModTime(), nil
}

// Read reads one container's cgroup through f. ok is false when the cgroup
// does not exist (no task, or a task already deleted).
func (h Hierarchy) Read(f *Files, ns, id string) (c Container, ok bool) {
	var cpu, mem, mstat, procs string
	var inactive string
	if h.V2 {
		dir := filepath.Join(h.Root, ns, id)
		cpu, mem, mstat, procs = filepath.Join(dir, "cpu.stat"), filepath.Join(dir, "memory.current"), filepath.Join(dir, "memory.stat"), filepath.Join(dir, "cgroup.procs")
		inactive = "inactive_file"
	} else {
		cpu = filepath.Join(h.Root, "cpuacct", ns, id, "cpuacct.usage")
		mem, mstat = filepath.Join(h.Root, "memory", ns, id, "memory.usage_in_bytes"), filepath.Join(h.Root, "memory", ns, id, "memory.stat")
		procs = filepath.Join(h.Root, "cpuacct", ns, id, "cgroup.procs")
		inactive = "total_inactive_file"
	}
	b, cid, err := f.ReadID(cpu)
	if err != nil {
		return Container{}, false
	}
	if h.V2 {
		c.CPUNanos = StatField(b, "usage_usec") * 1000
	} else {
		c.CPUNanos = ParseCounter(b)
	}
	c.ID = cid
	m := f.Counter(mem)
	s, _ := f.Read(mstat)
	c.WorkingSet = sat(m, StatField(s, inactive))
	if p, err := f.Read(procs); err == nil {
		for _, line := range bytes.Fields(p) {
			if pid, err := strconv.Atoi(string(line)); err == nil && pid > 0 {
				c.PIDs = append(c.PIDs, pid)
			}
		}
		c.Running = len(c.PIDs) > 0
	}
	if c.Running {
		if b, err := f.Read(h.freezerFile(ns, id)); err == nil {
			c.Frozen = h.frozenIn(b)
		}
	}
	return c, true
}

// Net is one reading of a network namespace's counters.
type Net struct {
	// Sent is the sum of every interface's transmit counter but the
	// loopback's.
	Sent uint64
	// Interfaces counts the interfaces other than lo (none: a namespace
	// of its own with nothing in it, such as gVisor's gofer's).
	Interfaces int
	// ID identifies the namespace: it changes when the namespace is
	// created again, its counters from zero.
	ID uint64
}

// NetDev reads the network namespace process pid runs in, from
// /proc/<pid>/net/dev under procRoot; ok is false when the process is gone.
func NetDev(f *Files, procRoot string, pid int) (n Net, ok bool) {
	dir := filepath.Join(procRoot, strconv.Itoa(pid))
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(dir, "ns", "net"), &st); err != nil {
		return Net{}, false
	}
	b, err := f.Read(filepath.Join(dir, "net", "dev"))
	if err != nil {
		return Net{}, false
	}
	n.Sent, n.Interfaces = ParseNetDev(b)
	n.ID = st.Ino
	return n, true
}

// ParseNetDev sums the transmitted bytes of every interface but lo in a
// /proc/net/dev table ("  eth0: rx_bytes rx_packets ... tx_bytes ...": the
// ninth number after the colon), and counts those interfaces.
func ParseNetDev(b []byte) (sent uint64, interfaces int) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok || string(bytes.TrimSpace(name)) == "lo" {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) < 9 {
			continue
		}
		n, err := strconv.ParseUint(string(fields[8]), 10, 64)
		if err == nil {
			sent += n
			interfaces++
		}
	}
	return sent, interfaces
}

// sat is a − b, or 0 if b > a.
func sat(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// Files reads small pseudo-files (cgroupfs, sysfs, procfs) into one reused
// buffer. os.ReadFile allocates and zeroes a page-sized buffer per file
// (sysfs reports 4096 bytes for every file) and registers each file with
// the poller, and opening a cgroup file walks kernfs: at 1 Hz for hundreds
// of pods that was most of the meter's CPU (docs/benchmarks.md § Runtime).
// From NewFiles, files stay open between rounds and are re-read with pread
// at offset 0, which regenerates their contents; a file whose cgroup or
// device was removed fails with ENODEV and is opened afresh, so a recreated
// cgroup at the same path is never read through a stale file. A Files is
// not safe for concurrent use.
type Files struct {
	buf  []byte
	fds  map[string]file // nil: close each file after reading it
	used map[string]bool
}

type file struct {
	fd int
	id uint64 // inode when opened
}

// NewFiles returns Files that keeps files open until Sweep finds them
// unused.
func NewFiles() *Files {
	return &Files{buf: make([]byte, 16<<10), fds: map[string]file{}, used: map[string]bool{}}
}

// OneShot returns Files that closes each file after reading it.
func OneShot() *Files { return &Files{buf: make([]byte, 4<<10)} }

// Read returns the file's contents, valid until the next read. Files
// longer than the buffer are truncated: the files read here are a few KiB.
func (s *Files) Read(path string) ([]byte, error) {
	b, _, err := s.ReadID(path)
	return b, err
}

// ReadID is Read, with the inode number the file had when it was opened.
func (s *Files) ReadID(path string) ([]byte, uint64, error) {
	if f, ok := s.fds[path]; ok {
		if b, err := s.pread(f.fd); err == nil {
			s.used[path] = true
			return b, f.id, nil
		}
		syscall.Close(f.fd)
		delete(s.fds, path)
	}
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, 0, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return nil, 0, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	b, err := s.pread(fd)
	if err != nil || s.fds == nil {
		syscall.Close(fd)
	} else {
		s.fds[path], s.used[path] = file{fd, st.Ino}, true
	}
	if err != nil {
		return nil, 0, &os.PathError{Op: "read", Path: path, Err: err}
	}
	return b, st.Ino, nil
}

func (s *Files) pread(fd int) ([]byte, error) {
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

// Sweep closes the kept files not read since the last sweep (pods deleted).
func (s *Files) Sweep() {
	for p, f := range s.fds {
		if !s.used[p] {
			syscall.Close(f.fd)
			delete(s.fds, p)
		}
	}
	clear(s.used)
}

// Close closes every kept file.
func (s *Files) Close() {
	clear(s.used)
	s.Sweep()
}

// Counter reads a file holding one decimal number; 0 if it cannot.
func (s *Files) Counter(path string) uint64 {
	b, err := s.Read(path)
	if err != nil {
		return 0
	}
	return ParseCounter(b)
}

// ParseCounter parses one decimal number; 0 if it cannot.
func ParseCounter(b []byte) uint64 {
	n, _ := strconv.ParseUint(string(bytes.TrimSpace(b)), 10, 64)
	return n
}

// StatField returns the value of "key value" in a cgroup stat file (keys
// start a line).
func StatField(b []byte, key string) uint64 {
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

// Pseudo file systems whose files regenerate on every read and fail with
// ENODEV once removed (statfs magic numbers).
const (
	magicCgroup  = 0x27e0eb
	magicCgroup2 = 0x63677270
	magicSysfs   = 0x62656572
	magicProc    = 0x9fa0
)

// Kernel reports whether path is on cgroupfs, sysfs or procfs, where Files
// may keep files open between reads (elsewhere, e.g. a test's tree of
// regular files, a removed file would still read through a kept
// descriptor).
func Kernel(path string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return false
	}
	switch st.Type {
	case magicCgroup, magicCgroup2, magicSysfs, magicProc:
		return true
	}
	return false
}
