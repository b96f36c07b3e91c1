package cgroupfs

import (
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadV1AndV2(t *testing.T) {
	v1 := t.TempDir()
	write(t, filepath.Join(v1, "cpuacct/ns/c1/cpuacct.usage"), "1500000000\n")
	write(t, filepath.Join(v1, "cpuacct/ns/c1/cgroup.procs"), "4242\n4243\n")
	write(t, filepath.Join(v1, "memory/ns/c1/memory.usage_in_bytes"), "10485760\n")
	write(t, filepath.Join(v1, "memory/ns/c1/memory.stat"), "cache 1\ntotal_inactive_file 2097152\n")
	h := Hierarchy{Root: v1}
	c, ok := h.Read(OneShot(), "ns", "c1")
	if !ok || c.CPUNanos != 15e8 || c.WorkingSet != 8<<20 || !c.Running || len(c.PIDs) != 2 || c.PIDs[1] != 4243 || c.ID == 0 {
		t.Fatalf("v1: %+v %v", c, ok)
	}
	if _, ok := h.Read(OneShot(), "ns", "gone"); ok {
		t.Fatal("a missing cgroup read")
	}
	write(t, filepath.Join(v1, "cpuacct/ns/c1/cgroup.procs"), "")
	if c, _ := h.Read(OneShot(), "ns", "c1"); c.Running {
		t.Fatal("an empty cgroup runs")
	}

	v2 := t.TempDir()
	write(t, filepath.Join(v2, "cgroup.controllers"), "cpu memory pids\n")
	write(t, filepath.Join(v2, "ns/c1/cpu.stat"), "usage_usec 2500\nuser_usec 2000\n")
	write(t, filepath.Join(v2, "ns/c1/memory.current"), "4194304\n")
	write(t, filepath.Join(v2, "ns/c1/memory.stat"), "anon 1\ninactive_file 1048576\n")
	write(t, filepath.Join(v2, "ns/c1/cgroup.procs"), "7\n")
	h = Detect(v2)
	if !h.V2 || h.CPUDir("ns") != filepath.Join(v2, "ns") {
		t.Fatalf("detect: %+v", h)
	}
	if c, ok := h.Read(OneShot(), "ns", "c1"); !ok || c.CPUNanos != 2500000 || c.WorkingSet != 3<<20 || len(c.PIDs) != 1 || c.PIDs[0] != 7 {
		t.Fatalf("v2: %+v", c)
	}
}

func TestNetDev(t *testing.T) {
	table := `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  999999      10    0    0    0     0          0         0   999999      10    0    0    0     0       0          0
  eth0:    1000      10    0    0    0     0          0         0    52000      40    0    0    0     0       0          0
  eth1:       0       0    0    0    0     0          0         0      100       1    0    0    0     0       0          0
`
	if got, n := ParseNetDev([]byte(table)); got != 52100 || n != 2 {
		t.Fatalf("sent %d over %d interfaces, want 52100 over 2 (lo excluded)", got, n)
	}
	proc := t.TempDir()
	write(t, filepath.Join(proc, "12/net/dev"), table)
	write(t, filepath.Join(proc, "12/ns/net"), "")
	n, ok := NetDev(OneShot(), proc, 12)
	if !ok || n.Sent != 52100 || n.Interfaces != 2 || n.ID == 0 {
		t.Fatalf("NetDev: %+v %v", n, ok)
	}
	if _, ok := NetDev(OneShot(), proc, 13); ok {
		t.Fatal("a missing process read")
	}
}

func TestKernel(t *testing.T) {
	if Kernel(t.TempDir()) {
		t.Fatal("a temporary directory counts as a kernel file system")
	}
	if !Kernel("/proc/self") {
		t.Fatal("/proc is not procfs")
	}
}

// FuzzParseNetDev: a table from a pod's namespace (its processes cannot
// write it, but the parser must not fail on any input).
func FuzzParseNetDev(f *testing.F) {
	f.Add([]byte("  eth0: 1 2 3 4 5 6 7 8 9 10\n"))
	f.Add([]byte("lo: 1 2 3 4 5 6 7 8 9\n:\n::::\n"))
	f.Fuzz(func(t *testing.T, b []byte) { ParseNetDev(b) })
}
