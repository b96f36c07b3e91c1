package cgroupfs

import (
	"os"
	"path/filepath"
	"strings"
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

func TestCPUQuota(t *testing.T) {
	v1 := t.TempDir()
	write(t, filepath.Join(v1, "cpu/ns/c1/cpu.cfs_quota_us"), "10000\n")
	write(t, filepath.Join(v1, "cpu/ns/c1/cpu.cfs_period_us"), "100000\n")
	h := Hierarchy{Root: v1}
	if q, p, err := h.CPUQuota("ns", "c1"); err != nil || q != 10000 || p != 100000 {
		t.Fatalf("v1: %d %d %v", q, p, err)
	}
	if err := h.SetCPUQuota("ns", "c1", NoQuota, 100000); err != nil {
		t.Fatal(err)
	}
	if q, _, err := h.CPUQuota("ns", "c1"); err != nil || q != NoQuota {
		t.Fatalf("v1 lifted: %d %v", q, err)
	}
	if err := h.SetCPUQuota("ns", "c1", 5000, 50000); err != nil {
		t.Fatal(err)
	}
	if q, p, err := h.CPUQuota("ns", "c1"); err != nil || q != 5000 || p != 50000 {
		t.Fatalf("v1 set: %d %d %v", q, p, err)
	}
	if err := h.SetCPUQuota("ns", "gone", 5000, 100000); !os.IsNotExist(err) {
		t.Fatalf("a missing cgroup: %v", err)
	}

	v2 := t.TempDir()
	write(t, filepath.Join(v2, "cgroup.controllers"), "cpu\n")
	write(t, filepath.Join(v2, "ns/c1/cpu.max"), "10000 100000\n")
	h = Detect(v2)
	if q, p, err := h.CPUQuota("ns", "c1"); err != nil || q != 10000 || p != 100000 {
		t.Fatalf("v2: %d %d %v", q, p, err)
	}
	if err := h.SetCPUQuota("ns", "c1", NoQuota, 100000); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(v2, "ns/c1/cpu.max")); string(b) != "max 100000" {
		t.Fatalf("v2 lifted: %q", b)
	}
	if q, _, err := h.CPUQuota("ns", "c1"); err != nil || q != NoQuota {
		t.Fatalf("v2 lifted: %d %v", q, err)
	}
	for _, bad := range []string{"", "max", "x 100000", "-5 100000", "10000 y", "1 2 3"} {
		if _, _, err := ParseCPUMax([]byte(bad)); err == nil {
			t.Errorf("cpu.max %q parsed", bad)
		}
	}
}

func TestListening(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:2382 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 1235 1 0000000000000000 20 4 30 10 -1
`
	want := map[uint16]bool{8080: true, 9090: true}
	seen := map[uint16]bool{}
	Listening([]byte(table), want, seen)
	if !seen[8080] || seen[9090] || len(seen) != 1 {
		t.Fatalf("seen %v; want 8080 (1F90) only: 9090 (2382) is an established connection", seen)
	}
	header := table[:strings.IndexByte(table, '\n')+1]
	seen = map[uint16]bool{}
	Listening([]byte(header), want, seen)
	Listening(nil, want, seen)
	Listening([]byte("garbage\n0: x 0A\n1: 0:ZZZZ 0:0 0A\n"), want, seen)
	if len(seen) != 0 {
		t.Fatalf("seen %v in tables without listeners", seen)
	}
	tcp6 := "  sl  local_address                         remote_address                        st\n" +
		"   0: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99 1\n"
	Listening([]byte(tcp6), want, seen)
	if !seen[9090] {
		t.Fatal("tcp6 9090 listens")
	}
}
