package containerd

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/meter"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// TestRuntimeBenchReport measures the figures of docs/benchmarks.md
// "## Runtime": create → first HTTP 200 and stopped → first HTTP 200 on runc
// and gVisor, and the cost of metering 200 idle pods at 1 Hz. It runs with
// TPOD_BENCH=1 (scripts/bench.sh) and rewrites the section with
// TPOD_BENCH_WRITE=1.
func TestRuntimeBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	// A containerd of the benchmark's own, so that the daemon's CPU is only
	// the benchmark's (the test daemon is shared with other packages' tests).
	testConfig(t, "bench")
	d, err := StartDaemon(context.Background(), DaemonConfig{
		Root:  filepath.Join(filepath.Dir(os.Getenv("TPOD_TEST_DATA")), "bench-daemon"),
		State: filepath.Join(filepath.Dir(os.Getenv("TPOD_TEST_STATE")), "bench-daemon")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	load0 := benchdoc.LoadAvg()
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %d cores (%s), Go %s, Debian containerd 1.6 + runc 1.1 / runsc 2022-12 (ptrace), cgroup v1, by `TPOD_BENCH=1 go test ./internal/runtime/containerd -run TestRuntimeBenchReport` (scripts/bench.sh). Load average %s at the start (other builds share the machine).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), goruntime.NumCPU(), benchdoc.CPUModel(), goruntime.Version(), load0)

	b.WriteString("**Start latency** (medians; the test polls the pod IP every 5 ms; \"create\" includes network namespace + CNI ADD + container creation from an already-imported image):\n\n")
	b.WriteString("| sandbox | create → first 200, median (min) | stopped → first 200, median (min) | runs | goal (medians) | memory per idle pod: PSS / cgroup working set |\n|---|---|---|---|---|---|\n")
	for _, sb := range []string{SandboxRunc, SandboxGVisor} {
		cfg := testConfig(t, "bench-"+sb)
		cfg.Address = d.Address()
		cfg.Sandbox = sb
		cfg.Network.Subnet = map[string]string{SandboxRunc: "172.30.231.0/24", SandboxGVisor: "172.30.232.0/24"}[sb]
		r := newTestRuntime(t, cfg)
		cleanStale(t, r)
		n := 25
		if sb == SandboxGVisor {
			n = 9
		}
		creates, wakes := startLatency(t, r, img, n)
		mem := idleMemory(t, r, img, 10)
		goal := "≤ 150 ms / ≤ 100 ms"
		if sb == SandboxGVisor {
			goal = "(reported beside runc)"
		}
		if sb == SandboxRunc {
			verdict := "meets"
			if median(creates) > 150*time.Millisecond || median(wakes) > 100*time.Millisecond {
				verdict = "**misses** (under this load)"
			}
			goal += ": " + verdict
		}
		fmt.Fprintf(&b, "| %s | %s (%s) | %s (%s) | %d | %s | %.1f / %.1f MiB |\n", sb, ms(median(creates)), ms(slices.Min(creates)), ms(median(wakes)), ms(slices.Min(wakes)), n, goal, mem.pss, mem.workingSet)
	}

	b.WriteString("\nMedians move by tens of milliseconds with the machine's load: on a quiet machine three runs gave runc create 104–114 ms and wake 73–88 ms; with another build running (load average 2.8) 183 ms and 122 ms. The minimum shows the path without contention. The create path is: the firewall check (two `iptables-save` runs, about 5 ms) + netns + CNI ADD (bridge, host-local, loopback) + bridge port isolation, container + overlay snapshot, task create + start (runc, default seccomp profile). A wake reuses the namespace and snapshot: task create + start only. gVisor is the default sandbox (docs/runtime.md); its start adds runsc's sandbox and gofer processes under the ptrace platform. Memory: 10 idle `podtest serve` pods (128 MiB limit) per sandbox; PSS is the shim and every process under it (runc: the app; gVisor: runsc's sandbox — the Sentry with the app's memory inside —, gofer and ptrace stubs), the working set is what the meter reads from the pod's cgroup (under gVisor the whole sandbox, so a tenant pays for its Sentry).\n")
	cfg := testConfig(t, "bench-meter")
	cfg.Address = d.Address()
	cfg.Network.Subnet = "172.30.233.0/24"
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	rep := meteringCost(t, r, img, 200)
	b.WriteString("\n**Metering 200 idle pods at 1 Hz** (pods running `podtest serve`, 100m CPU / 32 MiB each; 10 rounds of `meter.SampleAll` through `UsageAll`, one a second, each round saved to the provider's SQLite store as the daemon does; the writable layers and volumes are walked once in the 11 s window, as every 10 s in the daemon; containerd's and the shims' CPU are the window's minus the mean of 11 s without metering just before and just after):\n\n")
	b.WriteString("| UsageAll reads CPU/memory from | meter process | containerd added | shims added | metering total | one round (median wall) | goal |\n|---|---|---|---|---|---|---|\n")
	for _, c := range []struct {
		name  string
		c     meterCost
		shims bool // the path calls the shims
	}{{"cgroupfs directly (the default, runc and gVisor)", rep.cgroupfs, false}, {"`Task.Metrics` via containerd (`MetricsFromContainerd`)", rep.containerd, true}} {
		total := c.c.meterPct + max(c.c.containerdPct, 0)
		shims := fmt.Sprintf("%+.2f %% (not contacted: noise)", c.c.shimsPct)
		if c.shims {
			total += max(c.c.shimsPct, 0)
			shims = fmt.Sprintf("%+.2f %%", c.c.shimsPct)
		}
		verdict := "meets the goal"
		if total > 5 {
			verdict = "**misses the goal**"
		}
		fmt.Fprintf(&b, "| %s | %.2f %% | %+.2f %% | %s | %.2f %% of one core | %s | ≤ 5 %%: %s |\n", c.name, c.c.meterPct, c.c.containerdPct, shims, total, ms(c.c.round), verdict)
	}
	fmt.Fprintf(&b, "\nThe direct path makes no call to a shim or to containerd per round: it reads 4 cgroup files and 1 sysfs counter per pod through descriptors kept open between rounds (pread at offset 0 regenerates a pseudo-file; a file of a removed cgroup fails with ENODEV and is reopened), lists pods from an in-memory cache, and walks each writable layer itself every 10 s instead of asking containerd for the snapshot's usage. The 200 idle shims themselves used %.1f %% of a core without any metering (the Go runtime's background work in each `containerd-shim-runc-v2`; it moved between %.1f %% and %.1f %% across the idle windows), which is per-pod overhead of containerd, not metering: it is why the shims' column is noise for the direct path. Three runs on a quiet machine gave a metering total of 2.1 %%, 2.5 %% and 3.5 %% of one core.\n",
		rep.shimIdlePct, rep.shimIdleMin, rep.shimIdleMax)
	b.WriteString("\n**Memory per idle pod** (runc, `podtest serve`, 200 pods): ")
	fmt.Fprintf(&b, "%.1f MiB proportional set size (PSS) of its shim + %.1f MiB of its process = %.1f MiB; host MemAvailable fell by %.1f MiB per pod (noisy: other work shares the machine). Creating and starting the 200 pods 4 at a time took %s.\n",
		rep.shimPSS, rep.podPSS, rep.shimPSS+rep.podPSS, rep.memPerPod, rep.createAll.Round(time.Second))
	b.WriteString("\nThrough containerd, every round costs a ttrpc call to each pod's shim for its task state and another for its cgroup statistics, which is why the direct path is the default.\n")
	t.Log("\n" + b.String())
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		if err := benchdoc.WriteSection("## Runtime", b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

func startLatency(t *testing.T, r *Runtime, img testimage.Image, n int) (creates, wakes []time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	spec := func(i int) runtime.PodSpec {
		return runtime.PodSpec{ID: fmt.Sprintf("bench-%d-%d", time.Now().UnixNano()%100000, i), Containers: []runtime.Container{{
			Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
			Resources: runtime.Resources{CPUMillis: 1000, MemoryMiB: 128},
		}}}
	}
	// Warm-up: imports the image, which this pod keeps (the last pod of an
	// image takes it along when deleted).
	warm := spec(999)
	if err := r.Create(ctx, warm); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(context.Background(), warm.ID, 0)
	for i := range n {
		s := spec(i)
		t0 := time.Now()
		if err := r.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		st, _ := r.Status(ctx, s.ID)
		if _, err := waitHTTP(ctx, "http://"+st.IP+":8080/"); err != nil {
			t.Fatal(err)
		}
		creates = append(creates, time.Since(t0))
		if err := r.Stop(ctx, s.ID, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		t0 = time.Now()
		if err := r.Start(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := waitHTTP(ctx, "http://"+st.IP+":8080/"); err != nil {
			t.Fatal(err)
		}
		wakes = append(wakes, time.Since(t0))
		if err := r.Delete(ctx, s.ID, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%s: create→200 %v; stopped→200 %v", r.cfg.Sandbox, creates, wakes)
	return creates, wakes
}

type meterCost struct {
	meterPct, containerdPct, shimsPct float64
	round                             time.Duration
}

type meterReport struct {
	cgroupfs, containerd                  meterCost
	shimIdlePct, shimIdleMin, shimIdleMax float64
	memPerPod                             float64
	shimPSS, podPSS                       float64
	createAll                             time.Duration
}

func meteringCost(t *testing.T, r *Runtime, img testimage.Image, pods int) meterReport {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	var rep meterReport
	avail0 := memAvailable()
	ids := make([]string, pods)
	for i := range ids {
		ids[i] = fmt.Sprintf("idle-%03d", i)
	}
	t.Cleanup(func() {
		parallel(ids, 4, func(id string) error { return r.Delete(context.Background(), id, time.Second) })
	})
	t0 := time.Now()
	err := parallel(ids, 4, func(id string) error {
		s := runtime.PodSpec{ID: id, Containers: []runtime.Container{{
			Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
			Resources: runtime.Resources{CPUMillis: 100, MemoryMiB: 32, StorageMiB: 16},
		}}}
		if err := r.Create(ctx, s); err != nil {
			return err
		}
		return r.Start(ctx, id)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep.createAll = time.Since(t0)
	time.Sleep(3 * time.Second)
	rep.memPerPod = float64(int64(avail0)-int64(memAvailable())) / float64(pods) / (1 << 20)
	shims, podProcs := r.benchProcs()
	rep.shimPSS = float64(pssSum(shims)) / float64(pods) / (1 << 20)
	rep.podPSS = float64(pssSum(podProcs)) / float64(pods) / (1 << 20)

	daemon := r.daemonPIDs()
	db := &meter.MemStore{}
	const rounds = 10
	window := time.Duration(rounds+1) * time.Second
	var idleShims []float64
	idle := func() (containerd, shim float64) {
		d0, s0 := cpuOf(daemon), cpuOf(shims)
		time.Sleep(window)
		containerd, shim = pct(cpuOf(daemon)-d0, window), pct(cpuOf(shims)-s0, window)
		idleShims = append(idleShims, shim)
		return containerd, shim
	}
	measure := func() meterCost {
		id0, is0 := idle()
		c := measureMeter(t, ctx, r, db, ids[0], daemon, shims, rounds)
		id1, is1 := idle()
		c.containerdPct -= (id0 + id1) / 2
		c.shimsPct -= (is0 + is1) / 2
		return c
	}
	rep.cgroupfs = measure()
	r.cfg.MetricsFromContainerd = true
	rep.containerd = measure()
	r.cfg.MetricsFromContainerd = false
	var sum float64
	for _, v := range idleShims {
		sum += v
	}
	rep.shimIdlePct, rep.shimIdleMin, rep.shimIdleMax = sum/float64(len(idleShims)), slices.Min(idleShims), slices.Max(idleShims)
	return rep
}

func pct(cpu, span time.Duration) float64 { return 100 * float64(cpu) / float64(span) }

// measureMeter runs rounds metering rounds, one a second, and returns the
// CPU of this process and of containerd and the shims over the rounds
// (containerd's and the shims' before subtracting their idle CPU).
func measureMeter(t *testing.T, ctx context.Context, r *Runtime, db meter.Store, probe string, daemon, shims []int, rounds int) meterCost {
	var rep meterCost
	m := meter.New(meter.Config{Source: r, Store: db})
	if err := m.SampleAll(ctx); err != nil { // warm-up: the first disk walk
		t.Fatal(err)
	}
	self0, d0, s0 := selfCPU(), cpuOf(daemon), cpuOf(shims)
	var took []time.Duration
	start := time.Now()
	next := start
	for range rounds {
		next = next.Add(time.Second)
		time.Sleep(time.Until(next))
		s := time.Now()
		if err := m.SampleAll(ctx); err != nil {
			t.Fatal(err)
		}
		took = append(took, time.Since(s))
	}
	time.Sleep(time.Until(next.Add(time.Second)))
	span := time.Since(start)
	rep.meterPct = pct(selfCPU()-self0, span)
	rep.containerdPct = pct(cpuOf(daemon)-d0, span)
	rep.shimsPct = pct(cpuOf(shims)-s0, span)
	rep.round = median(took)
	v, ok, _ := m.Vector(ctx, probe)
	if !ok || v[0] == 0 {
		t.Errorf("pod %s not metered: %v", probe, v)
	}
	return rep
}

func parallel(ids []string, n int, f func(string) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	ch := make(chan string)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ch {
				if err := f(id); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("%s: %w", id, err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, id := range ids {
		ch <- id
	}
	close(ch)
	wg.Wait()
	return first
}

// benchProcs returns the PIDs of the shims of our namespace and of the pods'
// processes (children of those shims).
func (r *Runtime) benchProcs() (shims, pods []int) {
	procs, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	shimSet := map[int]bool{}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		args := strings.Split(string(cmd), "\x00")
		if strings.HasSuffix(args[0], "containerd-shim-runc-v2") && slices.Contains(args, r.cfg.Namespace) {
			shimSet[pid] = true
		}
		if st, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat")); err == nil {
			f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+2:]))
			pp, _ := strconv.Atoi(f[1])
			parent[pid] = pp
		}
	}
	for pid := range shimSet {
		shims = append(shims, pid)
	}
	for pid, pp := range parent {
		if shimSet[pp] {
			pods = append(pods, pid)
		}
	}
	return shims, pods
}

var sockRe = regexp.MustCompile(`[^/]+$`)

// daemonPIDs finds the containerd serving our socket (by its config's dir).
func (r *Runtime) daemonPIDs() []int {
	dir := filepath.Dir(r.cfg.Address)
	procs, _ := os.ReadDir("/proc")
	var out []int
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		args := strings.Split(string(cmd), "\x00")
		if sockRe.FindString(args[0]) == "containerd" && strings.Contains(string(cmd), dir) {
			out = append(out, pid)
		}
	}
	return out
}

var clkTck = 100.0 // USER_HZ on Linux

// cpuOf sums utime+stime of pids.
func cpuOf(pids []int) time.Duration {
	var ticks float64
	for _, pid := range pids {
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+2:]))
		u, _ := strconv.ParseFloat(f[11], 64)
		s, _ := strconv.ParseFloat(f[12], 64)
		ticks += u + s
	}
	return time.Duration(ticks / clkTck * float64(time.Second))
}

// pssSum sums the proportional set size (shared pages split between their
// users) of pids.
func pssSum(pids []int) uint64 {
	var total uint64
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Pss:"); ok {
				n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				total += n << 10
			}
		}
	}
	return total
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func memAvailable() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			n, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n << 10
		}
	}
	return 0
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/1e6) }
