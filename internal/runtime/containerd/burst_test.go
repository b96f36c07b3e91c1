package containerd

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

func TestStartBurstRunc(t *testing.T) {
	testStartBurst(t, testConfig(t, "runc"))
}

func TestStartBurstGVisor(t *testing.T) {
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	requireRunsc(t)
	testStartBurst(t, cfg)
}

// testStartBurst: a pod beginning a run (its first start, a wake of a
// parked pod) has its containers' CPU limits lifted (cpu.cfs_quota_us, of
// the sandbox under gVisor) until its app listens, then back to the spec's;
// after a failed start they are back at once; a new Runtime restores what
// a crashed one left lifted; and a burst whose app never listens ends at
// the bound.
func testStartBurst(t *testing.T, cfg Config) {
	cfg.StartBurst = time.Minute // ended by the app's listen, not by the bound
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	const limit = 10_000 // 100m: µs per 100 ms
	c := func(name string, args ...string) runtime.Container {
		return runtime.Container{Name: name, Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: args,
			Ports:     []runtime.Port{{ContainerPort: 8080}},
			Resources: runtime.Resources{CPUMillis: 100, MemoryMiB: 128}}
	}
	newPod := func(name string, cs ...runtime.Container) runtime.PodSpec {
		spec := runtime.PodSpec{ID: fmt.Sprintf("burst-%s-%d", name, time.Now().UnixNano()%100000), Containers: cs}
		if err := r.Create(ctx, spec); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := r.Delete(context.Background(), spec.ID, time.Second); err != nil {
				t.Error(err)
			}
		})
		return spec
	}
	quota := func(r *Runtime, pod, name string) int64 {
		t.Helper()
		q, p, err := r.cgroups.CPUQuota(cfg.Namespace, containerID(pod, name))
		if err != nil {
			t.Fatal(err)
		}
		if p != cfsPeriod {
			t.Fatalf("period %d µs, want %d", p, cfsPeriod)
		}
		return q
	}
	recorded := func(r *Runtime, pod string) bool {
		t.Helper()
		st, err := r.read(pod)
		if err != nil {
			t.Fatal(err)
		}
		return st.Burst
	}
	// restored waits until the container's limit is the spec's again and
	// the pod no longer records a burst, and returns when that was seen.
	restored := func(r *Runtime, pod, name string, within time.Duration) time.Time {
		t.Helper()
		for deadline := time.Now().Add(within); ; time.Sleep(5 * time.Millisecond) {
			if quota(r, pod, name) == limit && !recorded(r, pod) {
				return time.Now()
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: limit %d (burst recorded: %v) after %v; want %d", pod, quota(r, pod, name), recorded(r, pod), within, limit)
			}
		}
	}
	startBursting := func(r *Runtime, pod string) time.Time {
		t.Helper()
		if err := r.Start(ctx, pod); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if q := quota(r, pod, "web"); q != cgroupfs.NoQuota || !recorded(r, pod) {
			t.Fatalf("%s started with limit %d (burst recorded: %v); want none while it starts", pod, q, recorded(r, pod))
		}
		return t0
	}

	// The app listens a second after its start: the burst lasts until then,
	// and ends soon after.
	late := newPod("late", c("web", "serve", "-after", "1s"))
	for _, wake := range []string{"first start", "wake of the parked pod"} {
		t0 := startBursting(r, late.ID)
		took := restored(r, late.ID, "web", 20*time.Second).Sub(t0)
		if took < 900*time.Millisecond {
			t.Errorf("%s: limit back after %v, before the app listened (1 s)", wake, took)
		}
		t.Logf("%s: limit back %v after the start (app listening after 1 s)", wake, took)
		st, _ := r.Status(ctx, late.ID)
		if _, err := waitHTTP(ctx, "http://"+st.IP+":8080/"); err != nil {
			t.Fatal(err)
		}
		if err := r.Idle(ctx, late.ID, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if !r.cgroups.HasProcesses(cfg.Namespace, containerID(late.ID, "web")) {
			t.Fatal("no task parked")
		}
		if q := quota(r, late.ID, "web"); q != limit {
			t.Fatalf("parked task's limit %d, want %d", q, limit)
		}
	}

	// A start that fails: the container that started gets its limit back at
	// once.
	bad := c("bad")
	bad.Command = []string{"/no/such/program"}
	failing := newPod("fail", c("web", "serve"), bad)
	if err := r.Start(ctx, failing.ID); err == nil {
		t.Fatal("a start with a missing program succeeded")
	}
	if q := quota(r, failing.ID, "web"); q != limit || recorded(r, failing.ID) {
		t.Fatalf("after a failed start: limit %d (burst recorded: %v); want %d", q, recorded(r, failing.ID), limit)
	}

	// The process stops mid-burst (its app never listens): the next
	// Runtime's New restores the limit.
	never := newPod("never", c("web", "serve", "-after", "1h"))
	startBursting(r, never.ID)
	cfg2 := cfg
	cfg2.StartBurst = time.Second
	r2, err := New(context.Background(), cfg2)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if q := quota(r2, never.ID, "web"); q != limit || recorded(r2, never.ID) {
		t.Fatalf("after a new Runtime: limit %d (burst recorded: %v); want %d", q, recorded(r2, never.ID), limit)
	}

	// Its app never listens: the burst ends at the bound (1 s here).
	if err := r2.Stop(ctx, never.ID, 0); err != nil {
		t.Fatal(err)
	}
	t0 := startBursting(r2, never.ID)
	took := restored(r2, never.ID, "web", 20*time.Second).Sub(t0)
	if took < 900*time.Millisecond {
		t.Errorf("limit back after %v, before the 1 s bound", took)
	}
	t.Logf("app never listening: limit back %v after the start (bound 1 s)", took)
}

// TestStartBurstBookkeeping, without containerd (a cgroup tree of plain
// files): the burst is recorded in pod.json before any limit is lifted, a
// container without a limit is left alone, ending the burst restores the
// limit and clears the record, and a new process restores what a crashed
// one left lifted.
func TestStartBurstBookkeeping(t *testing.T) {
	root, data := t.TempDir(), t.TempDir()
	cg := func(id, quota string) string {
		dir := filepath.Join(root, "cpu", "ns", id)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, v := range map[string]string{"cpu.cfs_quota_us": quota, "cpu.cfs_period_us": "100000\n"} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return filepath.Join(dir, "cpu.cfs_quota_us")
	}
	webQ, freeQ := cg("p.web", "25000\n"), cg("p.free", "-1\n")
	read := func(f string) string {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	newRuntime := func() *Runtime {
		return &Runtime{cfg: Config{Namespace: "ns", DataDir: data}, cgroups: cgroupfs.Hierarchy{Root: root},
			log: slog.New(slog.DiscardHandler), now: time.Now,
			stateCache: map[string]cachedState{}, bursts: map[string]*burst{}}
	}
	r := newRuntime()
	if err := os.MkdirAll(r.podDir("p"), 0o700); err != nil {
		t.Fatal(err)
	}
	st := &podState{Spec: runtime.PodSpec{ID: "p", Containers: []runtime.Container{
		{Name: "web", Resources: runtime.Resources{CPUMillis: 250}},
		{Name: "free"}, // no limit: nothing to lift
	}}}
	if r.beginBurst(st) {
		t.Fatal("a burst for a pod that declares no port (nothing to end it at)")
	}
	st.Spec.Containers[0].Ports = []runtime.Port{{ContainerPort: 8080}}
	if !r.beginBurst(st) {
		t.Fatal("no burst for a pod with a CPU limit")
	}
	if saved, err := r.read("p"); err != nil || !saved.Burst {
		t.Fatalf("burst not recorded before the lift: %+v %v", saved, err)
	}
	r.liftForBurst("p", "web")
	r.liftForBurst("p", "free")
	if read(webQ) != "-1" || read(freeQ) != "-1" {
		t.Fatalf("lifted: web %s, free %s", read(webQ), read(freeQ))
	}
	r.endBurst(st)
	if read(webQ) != "25000" || read(freeQ) != "-1" || st.Burst {
		t.Fatalf("ended: web %s, free %s, recorded %v", read(webQ), read(freeQ), st.Burst)
	}
	if saved, _ := r.read("p"); saved.Burst {
		t.Fatal("the end is not recorded")
	}
	r.liftForBurst("p", "web") // no burst open: nothing happens
	if read(webQ) != "25000" {
		t.Fatal("lifted outside a burst")
	}

	// A crash mid-burst: the next process restores the limit.
	if !r.beginBurst(st) {
		t.Fatal("no second burst")
	}
	r.liftForBurst("p", "web")
	r2 := newRuntime()
	states, err := r2.loadAll()
	if err != nil {
		t.Fatal(err)
	}
	r2.repairBursts(states)
	if saved, _ := r2.read("p"); read(webQ) != "25000" || saved.Burst {
		t.Fatalf("after repair: web %s, recorded %v", read(webQ), saved.Burst)
	}

	// A runtime configured without bursts, and a pod without limits, get none.
	r2.cfg.StartBurst = -1
	if r2.beginBurst(st) {
		t.Fatal("a burst with StartBurst < 0")
	}
	free := &podState{Spec: runtime.PodSpec{ID: "p", Containers: []runtime.Container{{Name: "free"}}}}
	if r.beginBurst(free) {
		t.Fatal("a burst for a pod without a CPU limit")
	}
}
