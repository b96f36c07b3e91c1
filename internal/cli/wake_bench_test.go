package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/publisher"
)

// TestWakeBenchReport measures wake from zero the way a user meets it
// (issue 17): `tpod devnet up` and `tpod deploy -f
// examples/hello/pod-scale-to-zero.yaml` as processes, then, each time the
// provider has scaled the pod to zero, one request from a client outside
// the devnet process through the gateway on a new connection, timed to the
// end of the response. Both sandboxes, both scale.idle modes. It runs with
// TPOD_BENCH=1 (scripts/bench.sh; needs root) and rewrites the "## Wake
// from zero" section of docs/benchmarks.md with TPOD_BENCH_WRITE=1.
func TestWakeBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	wakes := 20
	if n, err := strconv.Atoi(os.Getenv("TPOD_WAKES")); err == nil && n > 0 {
		wakes = n
	}
	example, err := os.ReadFile("../../examples/hello/pod-scale-to-zero.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		sandbox, idle, cpu string
		took               []time.Duration
		held               uint64        // memory the idle pod's cgroups hold, bytes
		throttled          time.Duration // per wake, by the pod's CPU limit
		load               string
	}
	var rows []*row
	for _, sandbox := range []string{"runc", "gvisor"} {
		t.Run(sandbox, func(t *testing.T) {
			// A network of its own: a devnet left running on the default
			// one would share its bridge and addresses.
			u := startUserDevnet(t, "--sandbox", sandbox, "--bridge", "tpwake0", "--subnet", "172.30.226.0/24")
			variants := [][2]string{{"stop", "100m"}, {"freeze", "100m"}}
			if sandbox == "gvisor" {
				// The same with a whole core: what the pod's own CPU limit
				// costs a gVisor start.
				variants = append(variants, [2]string{"stop", "1000m"})
			}
			for _, v := range variants {
				idle, cpu := v[0], v[1]
				manifest := strings.Replace(string(example), "cpu: 100m", "cpu: "+cpu, 1)
				if idle == "freeze" {
					manifest = strings.Replace(manifest, "idleTimeout: 5s", "idleTimeout: 5s\n    idle: freeze", 1)
				}
				if !strings.Contains(string(example), "cpu: 100m") || !strings.Contains(string(example), "idleTimeout: 5s") {
					t.Fatal("the example no longer has cpu: 100m and idleTimeout: 5s")
				}
				path := filepath.Join(u.dir, "pod-"+idle+"-"+cpu+".yaml")
				if err := os.WriteFile(path, []byte(manifest), 0o644); err != nil {
					t.Fatal(err)
				}
				r := &row{sandbox: sandbox, idle: idle, cpu: cpu, load: benchdoc.LoadAvg()}
				r.took, r.held, r.throttled = measureWakes(t, u, path, wakes)
				rows = append(rows, r)
				t.Logf("%s, idle %s, cpu %s: p50 %v p99 %v max %v, %d MiB held while idle, throttled %v per wake", sandbox, idle, cpu,
					pct(r.took, 0.5), pct(r.took, 0.99), slices.Max(r.took), r.held>>20, r.throttled)
			}
		})
	}
	if len(rows) != 5 {
		t.Fatal("a measurement failed")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s, Go %s, by `TPOD_BENCH=1 go test ./internal/cli -run TestWakeBenchReport` (scripts/bench.sh; needs root).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchdoc.Machine(), runtime.Version())
	fmt.Fprintf(&b, "The user's path: `tpod devnet up --sandbox runc|gvisor` and `tpod deploy -f examples/hello/pod-scale-to-zero.yaml` (100m CPU, 32 MiB, `idleTimeout: 5s`; with `idle: freeze` added for the freeze rows, and the CPU raised to a core in the last row) run as processes of the built binary. Each time the provider has scaled the pod to zero (seen by `tpod pod status`), a client outside the devnet process sends one `GET /` through the gateway on a new connection (as `curl --resolve`), timed from the connect to the end of the response, at a random point 0–300 ms later. %d wakes per row after one warm-up wake. \"Held while idle\" is the memory the idle pod's cgroups hold (the sandbox's, under gVisor: a parked task holds the booted sandbox); \"throttled\" is the time the kernel held the pod back for its CPU limit during a wake (`cpu.stat`), mean per wake.\n\n", wakes)
	fmt.Fprintf(&b, "| sandbox | `scale.idle` | pod CPU | load avg before | p50 | p99 | max | throttled per wake | held while idle | goal (p50 ≤ 50 ms, p99 ≤ 150 ms) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		p50, p99 := pct(r.took, 0.5), pct(r.took, 0.99)
		v := "meets the goal"
		if p50 > 50*time.Millisecond || p99 > 150*time.Millisecond {
			v = "**misses the goal**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %.1f MiB | %s |\n", r.sandbox, r.idle, r.cpu, r.load, ms(p50), ms(p99), ms(slices.Max(r.took)), ms(r.throttled), float64(r.held)/(1<<20), v)
	}
	b.WriteString("\n" + wakeNotes)
	t.Log("\n" + b.String())
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		if err := benchdoc.WriteSection("## Wake from zero", b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

// wakeNotes explains the figures (docs/runtime.md § Idle has the design).
const wakeNotes = `Where a wake's time goes (stop): the provider starts the container's task parked at idle time (containerd's shim and ` + "`runc create`" + ` or, under gVisor, ` + "`runsc create`" + ` booting the sandbox, were done then), and the gateway polls the pod's port until the app listens. While the run starts its CPU limit is lifted (the start burst, docs/runtime.md § Idle): before it, a gVisor start at 100m (10 ms of CPU per 100 ms period) waited about a second per wake in throttled periods (p50 547 ms, p99 1759 ms, 1043 ms throttled on 2026-12-03 17:09 UTC). What is left of a gVisor wake is the runsc start itself and the app's start under ptrace: § Wake from zero: where a stopped wake's time goes. A frozen pod skips all of it: the wake is a write to its cgroup's freezer, and the request is forwarded at once.
`

// measureWakes deploys the manifest at path, then times n wakes (after a
// warm-up wake) and reads how much memory the idle pod holds; the pod is
// deleted at the end.
func measureWakes(t *testing.T, u *userDevnet, path string, n int) (took []time.Duration, held uint64, throttled time.Duration) {
	var out, errb bytes.Buffer
	deploy := u.cmd("deploy", "-f", path, "--account", "publisher", "--insecure-allow-simulated",
		"--image", "hello:latest="+u.helloTar, "--output", "json")
	deploy.Stdout, deploy.Stderr = &out, &errb
	if err := deploy.Run(); err != nil {
		t.Fatalf("deploy: %v\n%s", err, errb.String())
	}
	var rec publisher.Record
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || len(rec.Endpoints) == 0 {
		t.Fatalf("deploy: %v %s", err, out.Bytes())
	}
	defer func() {
		if out, err := u.cmd("pod", "delete", rec.ID, "--account", "publisher").CombinedOutput(); err != nil {
			t.Errorf("delete: %v\n%s", err, out)
		}
	}()
	url := rec.Endpoints[0].Address
	for i := -1; i < n; i++ {
		waitScaledToZero(t, u, rec.ID)
		if i == 0 {
			held = idleMemory(rec.ChannelID.String())
		}
		time.Sleep(rand.N(300 * time.Millisecond))
		thr0 := throttledTime(rec.ChannelID.String())
		start := time.Now()
		resp, err := u.client.Get(url)
		if err != nil {
			t.Fatalf("wake %d: %v", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		if err != nil || resp.StatusCode != 200 || !bytes.Contains(body, []byte("Hello")) {
			t.Fatalf("wake %d: %d %v %.100q", i, resp.StatusCode, err, body)
		}
		if i >= 0 {
			took = append(took, d)
			throttled += throttledTime(rec.ChannelID.String()) - thr0
		}
	}
	return took, held, throttled / time.Duration(n)
}

// waitScaledToZero waits, as a user would with `tpod pod status`, until
// the provider reports the pod scaled to zero.
func waitScaledToZero(t *testing.T, u *userDevnet, id string) {
	time.Sleep(5 * time.Second) // the example's idleTimeout: no polling meanwhile
	for deadline := time.Now().Add(30 * time.Second); ; {
		out, err := u.cmd("pod", "status", id, "--account", "publisher", "-o", "json").Output()
		var st struct{ State string }
		if err == nil && json.Unmarshal(out, &st) == nil && st.State == "scaled-to-zero" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("pod %s not scaled to zero: %v %s", id, err, out)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// idleMemory sums the memory charged to the cgroups of the pod of a
// channel (its containers'; the sandbox's under gVisor): what the idle pod
// keeps. The provider names the pod tp-<the channel ID's first 16 bytes>.
func idleMemory(channel string) uint64 {
	id := "tp-" + strings.TrimPrefix(channel, "0x")[:32]
	files, _ := filepath.Glob("/sys/fs/cgroup/memory/tpod-devnet/" + id + ".*/memory.usage_in_bytes")
	if v2, _ := filepath.Glob("/sys/fs/cgroup/tpod-devnet/" + id + ".*/memory.current"); len(v2) > 0 {
		files = v2
	}
	var total uint64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		n, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		total += n
	}
	return total
}

// throttledTime is the time the pod's cgroups were held back by their CPU
// limit so far (cpu.stat; 0 while they do not exist).
func throttledTime(channel string) time.Duration {
	id := "tp-" + strings.TrimPrefix(channel, "0x")[:32]
	files, _ := filepath.Glob("/sys/fs/cgroup/cpu/tpod-devnet/" + id + ".*/cpu.stat")
	unit, key := time.Nanosecond, "throttled_time"
	if v2, _ := filepath.Glob("/sys/fs/cgroup/tpod-devnet/" + id + ".*/cpu.stat"); len(v2) > 0 {
		files, unit, key = v2, time.Microsecond, "throttled_usec"
	}
	var total time.Duration
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, key+" "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				total += time.Duration(n) * unit
			}
		}
	}
	return total
}

func pct(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}
