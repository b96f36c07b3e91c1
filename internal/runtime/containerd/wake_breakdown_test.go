package containerd

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	rt "github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// TestWakeBreakdownReport times each part of a wake of a parked pod
// (scale.idle: stop) in the runtime, the way the provider's gateway drives
// it: Start (its stages traced: the task looked up, its labels cleared, the
// limit lifted and the task thawed, the task started through the shim —
// runc start, or runsc start asking the booted sandbox to start the app —
// and pod.json saved), the provider's Status call, then the app listening
// (a connect every 250 µs) and answering one GET. It also reports what the
// gateway's readiness polling adds on top of the listen, replayed on the
// measured listen times with the gateway's schedule (docs/gateway.md). It
// runs with TPOD_BENCH=1 (scripts/bench.sh; needs root) and writes its
// section of docs/benchmarks.md with TPOD_BENCH_WRITE=1.
func TestWakeBreakdownReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	wakes := 15
	if n, err := strconv.Atoi(os.Getenv("TPOD_WAKES")); err == nil && n > 0 {
		wakes = n
	}
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	type variant struct {
		sandbox string
		cpu     uint64
		burst   bool
	}
	variants := []variant{{"runc", 100, true}, {"gvisor", 100, false}, {"gvisor", 100, true}, {"gvisor", 1000, true}}
	type result struct {
		variant
		load   string
		stages map[string][]time.Duration // time from Start's call, per stage
		throt  time.Duration              // throttled per wake
	}
	var results []*result
	runtimes := map[string]*Runtime{}
	for _, v := range variants {
		r := runtimes[v.sandbox]
		if r == nil {
			cfg := testConfig(t, v.sandbox)
			if v.sandbox == "gvisor" {
				requireRunsc(t)
				cfg.Sandbox = SandboxGVisor
				cfg.Network.Subnet = "172.30.214.0/24"
			}
			r = newTestRuntime(t, cfg)
			cleanStale(t, r)
			runtimes[v.sandbox] = r
		}
		r.cfg.StartBurst = map[bool]time.Duration{true: 0, false: -1}[v.burst]
		res := &result{variant: v, load: benchdoc.LoadAvg(), stages: map[string][]time.Duration{}}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		spec := rt.PodSpec{ID: fmt.Sprintf("wakeparts-%s-%d", v.sandbox, time.Now().UnixNano()%100000), Containers: []rt.Container{{
			Name: "web", Image: rt.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
			Ports:     []rt.Port{{ContainerPort: 8080}},
			Resources: rt.Resources{CPUMillis: v.cpu, MemoryMiB: 128},
		}}}
		if err := r.Create(ctx, spec); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx, spec.ID); err != nil {
			t.Fatal(err)
		}
		st, _ := r.Status(ctx, spec.ID)
		addr := net.JoinHostPort(st.IP, "8080")
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		for i := -1; i < wakes; i++ {
			if _, err := waitHTTP(ctx, "http://"+addr+"/"); err != nil {
				t.Fatal(err)
			}
			if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			if !r.cgroups.HasProcesses(r.cfg.Namespace, containerID(spec.ID, "web")) {
				t.Fatalf("wake %d: no task parked", i)
			}
			time.Sleep(300 * time.Millisecond) // the parked sandbox settles, as between real wakes
			thr0 := throttled(r, spec.ID)
			var t0 time.Time
			marks := map[string]time.Duration{}
			r.startTrace = func(stage string) { marks[stage] = time.Since(t0) }
			t0 = time.Now()
			if err := r.Start(ctx, spec.ID); err != nil {
				t.Fatal(err)
			}
			marks["Start returned"] = time.Since(t0)
			r.startTrace = nil
			if _, err := r.Status(ctx, spec.ID); err != nil {
				t.Fatal(err)
			}
			marks["provider's Status"] = time.Since(t0)
			for {
				c, err := net.DialTimeout("tcp", addr, time.Second)
				if err == nil {
					c.Close()
					break
				}
				if time.Since(t0) > time.Minute {
					t.Fatalf("wake %d: not listening: %v", i, err)
				}
				time.Sleep(250 * time.Microsecond)
			}
			marks["listening"] = time.Since(t0)
			resp, err := client.Get("http://" + addr + "/")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			marks["answered"] = time.Since(t0)
			// The gateway dials after the provider's Status returns, then
			// again and again (readyPollDelay): when would it have connected?
			marks["gateway connects (replayed)"] = marks["provider's Status"] + replayPolling(marks["listening"]-marks["provider's Status"])
			if i < 0 {
				continue // warm-up
			}
			for k, d := range marks {
				res.stages[k] = append(res.stages[k], d)
			}
			res.throt += throttled(r, spec.ID) - thr0
		}
		res.throt /= time.Duration(wakes)
		if err := r.Delete(ctx, spec.ID, time.Second); err != nil {
			t.Error(err)
		}
		cancel()
		results = append(results, res)
	}

	order := []string{"start", "task looked up", "labels cleared", "task created", "limit lifted, thawed", "task started", "saved", "Start returned", "provider's Status", "listening", "gateway connects (replayed)", "answered"}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s, Go %s, by `TPOD_BENCH=1 go test ./internal/runtime/containerd -run TestWakeBreakdownReport` (scripts/bench.sh; needs root + testenv-containerd.sh). %d wakes per column after one warm-up, each of a parked `podtest serve` pod (128 MiB) through `Runtime.Start` as the provider calls it, 300 ms after its park.\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchdoc.Machine(), runtime.Version(), wakes)
	b.WriteString("Median time from the call of `Start` to the end of each stage (ms):\n\n| stage |")
	for _, res := range results {
		fmt.Fprintf(&b, " %s %dm, burst %s |", res.sandbox, res.cpu, map[bool]string{true: "on", false: "off"}[res.burst])
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(results)) + "\n")
	for _, k := range order {
		fmt.Fprintf(&b, "| %s |", k)
		for _, res := range results {
			if ds := res.stages[k]; len(ds) > 0 {
				fmt.Fprintf(&b, " %.1f |", msf(median(ds)))
			} else {
				b.WriteString(" |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| answered, slowest |")
	for _, res := range results {
		fmt.Fprintf(&b, " %.1f |", msf(slices.Max(res.stages["answered"])))
	}
	b.WriteString("\n| throttled per wake |")
	for _, res := range results {
		fmt.Fprintf(&b, " %.1f |", msf(res.throt))
	}
	b.WriteString("\n| load avg before |")
	for _, res := range results {
		fmt.Fprintf(&b, " %s |", res.load)
	}
	b.WriteString("\n\n" + breakdownNotes)
	t.Log("\n" + b.String())
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		if err := benchdoc.WriteSection("## Wake from zero: where a stopped wake's time goes", b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

// breakdownNotes explains the breakdown (docs/runtime.md § Idle has the
// design).
const breakdownNotes = `"task started" is the shim's start of the parked task: under runc, ` + "`runc start`" + ` opening the exec fifo of the waiting ` + "`runc init`" + `; under gVisor, the shim execs the runsc wrapper and ` + "`runsc start`" + `, which asks the sandbox booted at park time to start the app (the Sentry loads the program through the gofer and runs it under ptrace). "listening" is when the app's port first accepts; "gateway connects (replayed)" is when the gateway's readiness polling (a dial at once, then after a twentieth of the time waited, 1–20 ms) would have connected given that listen time. "Throttled" is the time the kernel held the pod back for its CPU limit during the wake (cpu.stat), mean per wake.

The floor of a gVisor stop wake at full CPU, from these stages and from ` + "`runsc start`" + ` timed alone (strace -tt and runsc's debug log, outside containerd, 2026-12-03, load 2–6): containerd's calls before the start (container, task and status lookups, the labels cleared) about 7 ms; ` + "`runsc start`" + ` about 50 ms, of which a runsc process costs 20–28 ms before doing anything (` + "`runsc --version`" + `: 22 ms at best against 1.1 ms for ` + "`/bin/true`" + `: a 24 MB Go binary's start and package initialisation), loading the container's state about 10 ms, and the Sentry's StartRoot (creating the app's process in the booted sandbox) 14–23 ms; then the app (a Go server) reaches listen 17–25 ms after ` + "`runsc start`" + ` returned, under ptrace, where each of its system calls is a round trip through the Sentry (the provider's Status call, 6–9 ms, runs meanwhile); the answer takes 3–4 ms more. That is 75–90 ms with nothing throttled: the goal (p50 ≤ 50 ms) is out of reach for a gVisor stop wake with Debian's runsc (ptrace platform only) behind the runc shim, since runsc's own start is most of it. ` + "`scale.idle: freeze`" + ` is the fast wake under gVisor.
`

// replayPolling is how long after its first dial the gateway's readiness
// polling (internal/gateway readyPollDelay: a twentieth of the time waited,
// 1–20 ms) connects to an app that listens after d.
func replayPolling(d time.Duration) time.Duration {
	at := time.Duration(0)
	for at < d {
		at += min(max(at/20, time.Millisecond), 20*time.Millisecond)
	}
	return at
}

// throttled is the time the pod's cgroups were held back by their CPU
// limit so far (cpu.stat).
func throttled(r *Runtime, pod string) time.Duration {
	b, err := os.ReadFile(filepath.Join(r.cgroups.Root, "cpu", r.cfg.Namespace, containerID(pod, "web"), "cpu.stat"))
	if r.cgroups.V2 {
		b, err = os.ReadFile(filepath.Join(r.cgroups.Root, r.cfg.Namespace, containerID(pod, "web"), "cpu.stat"))
	}
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "throttled_time "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return time.Duration(n)
		}
		if v, ok := strings.CutPrefix(line, "throttled_usec "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return time.Duration(n) * time.Microsecond
		}
	}
	return 0
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
