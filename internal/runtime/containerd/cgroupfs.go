package containerd

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
)

// cgroupStats reads a runc container's CPU time, working set and whether it
// has processes straight from cgroupfs: the cheap path of UsageAll. runc
// puts a container of namespace ns at /<ns>/<id> (containerd's default
// cgroupsPath) in every v1 hierarchy, or under the v2 root. ok is false when
// the cgroup does not exist (no task, or a task already deleted).
type cgroupFS struct {
	root string // /sys/fs/cgroup
	v2   bool
}

func newCgroupFS() cgroupFS {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	return cgroupFS{root: "/sys/fs/cgroup", v2: err == nil}
}

func (c cgroupFS) stats(ns, id string) (cpuNanos, workingSet uint64, running, ok bool) {
	if c.v2 {
		dir := filepath.Join(c.root, ns, id)
		cpuStat, err := os.ReadFile(filepath.Join(dir, "cpu.stat"))
		if err != nil {
			return 0, 0, false, false
		}
		cpuNanos = statField(cpuStat, "usage_usec") * 1000
		cur := readCounter(filepath.Join(dir, "memory.current"))
		mstat, _ := os.ReadFile(filepath.Join(dir, "memory.stat"))
		workingSet = sat(cur, statField(mstat, "inactive_file"))
		running = readCounter(filepath.Join(dir, "pids.current")) > 0
		return cpuNanos, workingSet, running, true
	}
	usage, err := os.ReadFile(filepath.Join(c.root, "cpuacct", ns, id, "cpuacct.usage"))
	if err != nil {
		return 0, 0, false, false
	}
	cpuNanos, _ = strconv.ParseUint(string(bytes.TrimSpace(usage)), 10, 64)
	mem := readCounter(filepath.Join(c.root, "memory", ns, id, "memory.usage_in_bytes"))
	mstat, _ := os.ReadFile(filepath.Join(c.root, "memory", ns, id, "memory.stat"))
	workingSet = sat(mem, statField(mstat, "total_inactive_file"))
	running = readCounter(filepath.Join(c.root, "pids", ns, id, "pids.current")) > 0
	return cpuNanos, workingSet, running, true
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
