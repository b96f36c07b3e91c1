package kube

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/runtime"
)

// TestClusterBenchReport measures, on the test cluster, what a user waits
// for (create → first 200, stopped → first 200) and what metering 50 pods
// costs; with TPOD_BENCH_WRITE=1 it rewrites "## Kubernetes cluster" in
// docs/benchmarks.md (scripts/bench.sh).
func TestClusterBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	needRealCluster(t)
	load := benchdoc.LoadAvg()
	r := newClusterRuntime(t, Config{Instance: "bench", Images: clusterRegistry(t)})
	ctx := clusterCtx(t, 20*time.Minute)
	first200 := func(ip string) {
		httpGet(t, "http://"+ip+":8080/", time.Minute)
	}
	const runs = 9
	var create, wake []time.Duration
	for i := range runs {
		spec := runtime.PodSpec{ID: fmt.Sprintf("bench-start-%d", i), Containers: []runtime.Container{podtest(t, "web", "serve")}}
		t0 := time.Now()
		ip := runPod(t, r, spec)
		first200(ip)
		create = append(create, time.Since(t0))
		if err := r.Stop(ctx, spec.ID, time.Second); err != nil {
			t.Fatal(err)
		}
		t0 = time.Now()
		if err := r.Start(ctx, spec.ID); err != nil {
			t.Fatal(err)
		}
		first200(ip)
		wake = append(wake, time.Since(t0))
		if err := r.Delete(ctx, spec.ID, time.Second); err != nil {
			t.Fatal(err)
		}
	}

	// 50 idle pods, metered once a second as the provider's meter does
	// (List, then Usage of each pod).
	const n = 50
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	tStart := time.Now()
	for i := range n {
		c := podtest(t, "web", "serve")
		c.Resources = runtime.Resources{CPUMillis: 20, MemoryMiB: 32, StorageMiB: 32}
		spec := runtime.PodSpec{ID: fmt.Sprintf("bench-meter-%d", i), Containers: []runtime.Container{c}}
		if err := r.Create(ctx, spec); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Delete(context.Background(), spec.ID, time.Second) })
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := r.Start(ctx, spec.ID); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	started := time.Since(tStart)
	procs := clusterProcs(t)
	round := func() time.Duration {
		t0 := time.Now()
		all, err := r.UsageAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < n {
			t.Fatalf("UsageAll has %d pods, want %d", len(all), n)
		}
		return time.Since(t0)
	}
	// window returns the CPU used per second of wall time by this process
	// and by the cluster's daemons.
	window := func(meter bool) (self, others float64, rounds []time.Duration) {
		s0, o0, w0 := selfCPU(), procsCPU(procs), time.Now()
		for range 10 {
			t0 := time.Now()
			if meter {
				rounds = append(rounds, round())
			}
			time.Sleep(time.Second - time.Since(t0))
		}
		wall := time.Since(w0).Seconds()
		return (selfCPU() - s0).Seconds() / wall, (procsCPU(procs) - o0).Seconds() / wall, rounds
	}
	_, idleOthers, _ := window(false)
	self, others, rounds := window(true)
	slices.Sort(create)
	slices.Sort(wake)
	slices.Sort(rounds)
	pct := func(f float64) float64 { return 100 * f }

	var sb strings.Builder
	fmt.Fprintf(&sb, "Measured %s on %s by `TPOD_BENCH=1 go test ./internal/runtime/kube -run TestClusterBenchReport` "+
		"(scripts/bench.sh) on the single-node cluster of scripts/testenv-cluster.sh (kubelet, kube-proxy and control plane v1.34.4, "+
		"Debian containerd 1.6 CRI + runc, CNI bridge). Load average %s at the start.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchdoc.Machine(), load)
	sb.WriteString("**Start latency** (the backend's Start returns when the replica's containers run; the test then polls the Service's cluster IP every 50 ms). ")
	sb.WriteString("\"create\" is Create (image push to the in-process registry, namespace and objects) + Start (scheduling, image pull on the first run, sandbox, CNI, container) + first 200; \"stopped\" is Start of a stopped pod + first 200: a new replica, as Kubernetes has no stopped pods. containerd's figures are from the Runtime section above.\n\n")
	sb.WriteString("| backend | create → first 200, median (min) | stopped → first 200, median (min) | runs |\n|---|---|---|---|\n")
	fmt.Fprintf(&sb, "| Kubernetes (runc) | %s (%s) | %s (%s) | %d |\n", ms(create[len(create)/2]), ms(create[0]), ms(wake[len(wake)/2]), ms(wake[0]), runs)
	sb.WriteString("| containerd (runc) | 114 ms (91 ms) | 88 ms (64 ms) | 25 |\n\n")
	fmt.Fprintf(&sb, "**Metering %d idle pods at 1 Hz** (`podtest serve`, 20m CPU / 32 MiB each, started 4 at a time in %s; 10 rounds of `UsageAll`, one a second, as the provider's meter does: one list each of namespaces, Deployments, replicas and claims, "+
		"and one kubelet summary for the node; CPU per second of wall time, the cluster's minus that of 10 s without metering just before):\n\n", n, started.Round(time.Second))
	sb.WriteString("| meter (provider process) | cluster daemons added (API server, etcd, kubelet, CRI containerd, kube-proxy, controllers) | total | one round (median wall) |\n|---|---|---|---|\n")
	fmt.Fprintf(&sb, "| %.2f %% of one core | %+.2f %% | %.2f %% of one core | %s |\n\n", pct(self), pct(others-idleOthers), pct(self+others-idleOthers), ms(rounds[len(rounds)/2]))
	sb.WriteString("Other work shares the 2 cores; figures vary with its load.\n")
	t.Log("\n" + sb.String())
	if os.Getenv("TPOD_BENCH_WRITE") == "" {
		return
	}
	if err := benchdoc.WriteSection("## Kubernetes cluster", sb.String()); err != nil {
		t.Fatal(err)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clusterProcs are the cluster's daemons (pid files of testenv-cluster.sh,
// beside the kubeconfig).
func clusterProcs(t *testing.T) []int {
	dir := filepath.Dir(os.Getenv("TPOD_TEST_KUBECONFIG"))
	var out []int
	for _, name := range []string{"kube-apiserver", "etcd", "kubelet", "containerd", "kube-proxy", "kube-controller-manager", "kube-scheduler"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".pid"))
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		out = append(out, pid)
	}
	return out
}

// procsCPU sums the user and system time of pids (clock ticks of 10 ms).
func procsCPU(pids []int) time.Duration {
	var sum time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		sum += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return sum
}
