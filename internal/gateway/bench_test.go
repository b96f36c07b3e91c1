package gateway

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
)

// The gateway's benchmark figures (DESIGN §8) are produced by
// TestGatewayBenchReport, run by scripts/bench.sh with TPOD_BENCH=1; it
// rewrites the "## Gateway" section of docs/benchmarks.md when
// TPOD_BENCH_WRITE=1. BenchmarkWake is the same wake loop for `go test -bench`.

const (
	benchWakes  = 60
	wrkDuration = "5s"
	wrkRounds   = 3
	wrkConns    = "50"
	wrkThreads  = "2"
)

// wakeRig is a gateway with one scale-to-zero pod backed by a real process.
type wakeRig struct {
	g    *Gateway
	b    *procBackend
	clk  *fakeClock
	host string
	c    *http.Client
}

func newWakeRig(t testing.TB) *wakeRig {
	b := newProcBackend(t)
	clk := &fakeClock{t: time.Now()}
	g, _ := startGateway(t, Config{Backend: b, Now: clk.Now, SweepInterval: time.Hour})
	if err := g.AddRoute(Route{PodID: "bench", Host: "127.0.0.1", HTTPPort: b.port("bench"), Scale: Scale{Min: 0, IdleTimeout: time.Minute}, Stopped: true}); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &wakeRig{g: g, b: b, clk: clk, host: genHost(t, "bench"), c: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

// wake sends one request to the stopped pod and returns request → response
// time, then idles the pod out and waits until it is stopped.
func (r *wakeRig) wake(t testing.TB) time.Duration {
	req, _ := http.NewRequest("GET", "http://"+r.g.HTTPAddr().String()+"/hello", nil)
	req.Host = r.host
	start := time.Now()
	resp, err := r.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 16)
	n, _ := resp.Body.Read(body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != 200 || string(body[:n]) != "hello" {
		t.Fatalf("wake: %d %q", resp.StatusCode, body[:n])
	}
	r.clk.Add(time.Hour)
	if s := r.g.SweepIdle(); len(s) != 1 {
		t.Fatalf("sweep stopped %v", s)
	}
	waitFor(t, "stopped", 10*time.Second, func() bool { return state(t, r.g, "bench") == "stopped" })
	return took
}

func BenchmarkWake(b *testing.B) {
	r := newWakeRig(b)
	var total time.Duration
	for b.Loop() {
		total += r.wake(b)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/wake")
}

type wrkResult struct {
	rps           float64
	p50, p90, p99 time.Duration
}

var (
	reRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	rePct = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

func runWrk(t *testing.T, url, host, dur, conns string) wrkResult {
	threads := wrkThreads
	if conns == "1" {
		threads = "1"
	}
	args := []string{"-t" + threads, "-c" + conns, "-d" + dur, "--latency"}
	if host != "" {
		args = append(args, "-H", "Host: "+host)
	}
	out, err := exec.Command("wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	var r wrkResult
	if m := reRPS.FindSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	for _, m := range rePct.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[3])]
		d := time.Duration(v * float64(unit))
		switch string(m[1]) {
		case "50":
			r.p50 = d
		case "90":
			r.p90 = d
		case "99":
			r.p99 = d
		}
	}
	if r.rps == 0 || r.p99 == 0 || strings.Contains(string(out), "Non-2xx") {
		t.Fatalf("wrk output not understood or errors:\n%s", out)
	}
	return r
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) string {
	if d > -time.Millisecond && d < time.Millisecond {
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func TestGatewayBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("benchmark report: set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk not installed (scripts/deps.sh installs it)")
	}

	// 1. Wake from zero with a real backend process.
	r := newWakeRig(t)
	r.wake(t) // warm the page cache for the binary
	var wakes []time.Duration
	for range benchWakes {
		wakes = append(wakes, r.wake(t))
	}
	wp50, wp99, wmax := pct(wakes, 0.50), pct(wakes, 0.99), slices.Max(wakes)
	t.Logf("wake: p50 %v p99 %v max %v over %d", wp50, wp99, wmax, len(wakes))

	// 2. Throughput with wrk, direct and through the gateway, same backend process.
	b := newProcBackend(t)
	g, _ := startGateway(t, Config{Backend: b})
	port := b.port("w")
	if _, err := b.Start(t.Context(), "w"); err != nil {
		t.Fatal(err)
	}
	if err := g.AddRoute(Route{PodID: "w", Host: "127.0.0.1", HTTPPort: port, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "backend up", 10*time.Second, func() bool {
		resp, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/hello")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	host := genHost(t, "w")
	b.mu.Lock()
	pid := b.procs["w"].Process.Pid
	b.mu.Unlock()
	type pair struct {
		name, path string
		conns      string
		d, v       wrkResult
		load       string
		// CPU time per request
		backendDirect, backendVia, gateway time.Duration
		fast, handedOff                    int64 // requests the fast path served, connections handed to net/http
	}
	pairs := []*pair{
		{name: "`/hello` (CPU-bound: no work in the pod)", path: "/hello", conns: wrkConns},
		{name: "`/work?d=5ms` (I/O-bound: the pod answers after 5 ms)", path: "/work?d=5ms", conns: wrkConns},
		{name: "`/hello`, one connection (`-t1 -c1`: latency added per request)", path: "/hello", conns: "1"},
	}
	for _, p := range pairs {
		direct := "http://127.0.0.1:" + strconv.Itoa(port) + p.path
		via := "http://" + g.HTTPAddr().String() + p.path
		runWrk(t, direct, "", "3s", p.conns) // warm-up
		runWrk(t, via, host, "3s", p.conns)
		p.load = benchdoc.LoadAvg()
		// Alternate direct and gateway runs and keep the best of each, so
		// that load from other processes on the machine weighs less.
		var bd, bv, gv time.Duration
		var nd, nv float64
		fast0, off0 := g.fast.served.Load(), g.fast.handedOff.Load()
		for range wrkRounds {
			b0 := cpuOf(t, pid)
			d := runWrk(t, direct, "", wrkDuration, p.conns)
			b1, g1 := cpuOf(t, pid), cpuSelf()
			v := runWrk(t, via, host, wrkDuration, p.conns)
			b2, g2 := cpuOf(t, pid), cpuSelf()
			bd, bv, gv = bd+b1-b0, bv+b2-b1, gv+g2-g1
			nd, nv = nd+d.rps*wrkSeconds(), nv+v.rps*wrkSeconds()
			if d.rps > p.d.rps {
				p.d = d
			}
			if v.rps > p.v.rps {
				p.v = v
			}
		}
		p.fast, p.handedOff = g.fast.served.Load()-fast0, g.fast.handedOff.Load()-off0
		p.backendDirect = perReq(bd, nd)
		p.backendVia = perReq(bv, nv)
		p.gateway = perReq(gv, nv)
		t.Logf("%s: direct %+v gateway %+v cpu/req backend %v/%v gateway %v", p.path, p.d, p.v, p.backendDirect, p.backendVia, p.gateway)
	}

	verdict := func(ok bool) string {
		if ok {
			return "meets the goal"
		}
		return "**misses the goal**"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "Measured %s on %d cores (%s), Go %s, by `TPOD_BENCH=1 go test ./internal/gateway -run TestGatewayBenchReport` (scripts/bench.sh).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.NumCPU(), benchdoc.CPUModel(), runtime.Version())
	fmt.Fprintf(&sb, "**Wake from zero, request → response** (%d wakes; the pod is a real process — the test binary re-executed as a small HTTP server on 127.0.0.1 — started by the Backend on the request, readiness by TCP connect, then the request forwarded; a new client connection per wake):\n\n", len(wakes))
	fmt.Fprintf(&sb, "| p50 | p99 | max | goal |\n|---|---|---|---|\n| %s | %s | %s | p50 ≤ 250 ms, p99 ≤ 500 ms: %s |\n\n", ms(wp50), ms(wp99), ms(wmax), verdict(wp50 <= 250*time.Millisecond && wp99 <= 500*time.Millisecond))
	fmt.Fprintf(&sb, "This is the gateway's share of a wake with a process backend; the whole wake of a containerd-backed pod through the provider is in § Wake from zero on containerd.\n\n")
	fmt.Fprintf(&sb, "**Throughput, gateway vs direct** (`wrk -t%s -c%s -d%s --latency` unless noted, best of %d alternating runs each, keep-alive, 127.0.0.1, the same backend process; wrk, gateway and backend share the %d cores, so on the CPU-bound path the gateway competes with the backend and wrk for the same CPU):\n\n", wrkThreads, wrkConns, wrkDuration, wrkRounds, runtime.NumCPU())
	fmt.Fprintf(&sb, "| path | load avg before | via | req/s | p50 | p90 | p99 | gateway/direct | p99 added |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range pairs {
		ratio := p.v.rps / p.d.rps
		added := p.v.p99 - p.d.p99
		fmt.Fprintf(&sb, "| %s | %s | direct | %.0f | %s | %s | %s | | |\n", p.name, p.load, p.d.rps, ms(p.d.p50), ms(p.d.p90), ms(p.d.p99))
		fmt.Fprintf(&sb, "| | | gateway | %.0f | %s | %s | %s | %.0f %% (%s) | %s (%s) |\n", p.v.rps, ms(p.v.p50), ms(p.v.p90), ms(p.v.p99),
			100*ratio, verdict(ratio >= 0.85), ms(added), verdict(added <= time.Millisecond))
	}
	var served []string
	for _, p := range pairs {
		served = append(served, fmt.Sprintf("%s (%s connections): %d requests on the fast path, %d connections handed to net/http", p.path, p.conns, p.fast, p.handedOff))
	}
	fmt.Fprintf(&sb, "\nPath through the gateway (plain HTTP listener, docs/gateway.md \"Fast path\"): %s.\n", strings.Join(served, "; "))
	fmt.Fprintf(&sb, "\nGoal (DESIGN §8): ≥ 85 %% of direct throughput and ≤ 1 ms added at p99.\n\n")
	fmt.Fprintf(&sb, "CPU time per request (getrusage of the gateway, /proc stat of the backend process), which does not depend on how the cores are shared:\n\n")
	fmt.Fprintf(&sb, "| path | backend, direct | backend, via gateway | gateway |\n|---|---|---|---|\n")
	for _, p := range pairs {
		fmt.Fprintf(&sb, "| %s | %s | %s | %s |\n", p.name, us(p.backendDirect), us(p.backendVia), us(p.gateway))
	}
	hello := pairs[0]
	fmt.Fprintf(&sb, "\nThe requests take the gateway's fast path (its own HTTP/1.1 server and client, no allocation per request; docs/gateway.md). "+
		"On the CPU-bound path wrk, gateway and backend share the %d cores: through the gateway each request costs wrk's, the backend's (%s) and the gateway's (%s) CPU, "+
		"where direct it costs only wrk's and the backend's (%s), so the gateway/direct ratio there is bounded by about (wrk + backend) ÷ (wrk + backend + gateway) CPU per request "+
		"whatever the proxy does; the gateway's CPU is now mostly the four loopback system calls per request (a read and a write on each side), and the kernel's work for the backend's socket is charged to the gateway's writes. "+
		"The more work the pod does per request, the smaller the gateway's share (the I/O-bound row). Latency percentiles depend on CPU contention (see the load average) as much as on the proxy.\n",
		runtime.NumCPU(), us(hello.backendVia), us(hello.gateway), us(hello.backendDirect))
	section := sb.String()
	t.Log("\n" + section)
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		if err := benchdoc.WriteSection("## Gateway", section); err != nil {
			t.Fatal(err)
		}
	}
}

func cpuSelf() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuOf is the user+system CPU time of a process, from /proc/<pid>/stat.
func cpuOf(t *testing.T, pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name in parentheses; utime and stime are the
	// 14th and 15th fields of the line, in clock ticks (100 Hz on Linux).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func wrkSeconds() float64 {
	d, _ := time.ParseDuration(wrkDuration)
	return d.Seconds()
}

func perReq(cpu time.Duration, n float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(float64(cpu) / n)
}

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond)) }
