package containerd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/meter"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
	"github.com/trustedpods/tpod/internal/usage"
)

// TestMeterRealPod meters a CPU-bound pod with a 500m quota through
// UsageAll and compares cpu-used with the CPU time the process measured
// itself (getrusage inside the pod), and egress with bytes the test fetched.
func TestMeterRealPod(t *testing.T) {
	for _, viaContainerd := range []bool{false, true} {
		name := map[bool]string{false: "cgroupfs", true: "TaskMetrics"}[viaContainerd]
		t.Run(name, func(t *testing.T) {
			cfg := testConfig(t, "runc")
			cfg.MetricsFromContainerd = viaContainerd
			meterRealPod(t, newTestRuntime(t, cfg))
		})
	}
}

func meterRealPod(t *testing.T, r *Runtime) {
	ctx, spec := createTestPod(t, r, "meter", runtime.Resources{CPUMillis: 500, MemoryMiB: 64, StorageMiB: 32}, "burn", "-threads", "2")
	base := startServing(t, ctx, r, spec.ID)
	selfCPU := func() uint64 {
		body, err := waitHTTP(ctx, base+"/cpu")
		if err != nil {
			t.Fatal(err)
		}
		var n uint64
		fmt.Sscan(body, &n)
		return n
	}
	m := meter.New(meter.Config{Source: r, Store: &meter.MemStore{}})
	if err := m.SampleAll(ctx); err != nil {
		t.Fatal(err)
	}
	v0, _, _ := m.Vector(ctx, spec.ID)
	c0, w0 := selfCPU(), time.Now()
	for range 4 {
		time.Sleep(time.Second)
		if err := m.SampleAll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c1, w1 := selfCPU(), time.Now()
	// 1 MiB of egress.
	resp, err := http.Get(base + "/send?n=1048576")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err := m.SampleAll(ctx); err != nil {
		t.Fatal(err)
	}
	v1, _, _ := m.Vector(ctx, spec.ID)
	d, err := v1.Sub(v0)
	if err != nil {
		t.Fatal(err)
	}
	inside := float64(c1-c0) / 1e6 // core·ms
	wall := w1.Sub(w0).Seconds()
	t.Logf("over %.2f s: vector delta %v; CPU inside the pod %.0f core·ms", wall, d, inside)
	if r := float64(d[usage.CPUUsed]) / inside; r < 0.9 || r > 1.1 {
		t.Errorf("metered cpu-used %d core·ms vs %.0f measured inside: ratio %.3f, want 1 ± 10%%", d[usage.CPUUsed], inside, r)
	}
	if cores := float64(d[usage.CPUUsed]) / 1000 / wall; cores > 0.55 {
		t.Errorf("pod used %.3f cores with a 500m quota", cores)
	}
	if res := float64(d[usage.CPUReserved]) / (500 * wall); res < 0.85 || res > 1.15 {
		t.Errorf("cpu reserved %d millicore·s over %.2f s at 500m", d[usage.CPUReserved], wall)
	}
	if d[usage.StorageReserved] == 0 || d[usage.MemoryUsed] == 0 || d[usage.MemoryReserved] == 0 {
		t.Errorf("counters that should grow did not: %v", d)
	}
	if d[usage.NetworkEgress] < 1024 || d[usage.NetworkEgress] > 1200 {
		t.Errorf("egress %d KiB after sending 1 MiB", d[usage.NetworkEgress])
	}
}

// TestUsageAllFollowsRestarts checks UsageAll's cheap paths against the
// slow ones: cgroup files kept open across rounds are reopened when a
// restart recreates the cgroup, and the writable layer measured by our own
// walk of the snapshot's upper directory matches containerd's figure.
func TestUsageAllFollowsRestarts(t *testing.T) {
	r := newTestRuntime(t, testConfig(t, "runc"))
	ctx, spec := createTestPod(t, r, "usageall", runtime.Resources{CPUMillis: 500, MemoryMiB: 64, StorageMiB: 64}, "serve")
	usage := func(fresh bool) runtime.Usage {
		t.Helper()
		if fresh { // force the writable-layer walk
			r.mu.Lock()
			delete(r.disk, spec.ID)
			r.mu.Unlock()
		}
		all, err := r.UsageAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return all[spec.ID]
	}
	for round := range 2 {
		base := startServing(t, ctx, r, spec.ID)
		u := usage(false)
		if !u.Running || u.CPUNanos == 0 || u.MemoryWorkingSetBytes == 0 {
			t.Fatalf("round %d: running pod: %+v", round, u)
		}
		if round == 0 {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPut, base+"/file?path=/var/big.bin", bytes.NewReader(make([]byte, 1<<20)))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			u = usage(true)
			su, err := r.client.SnapshotService(snapshotter).Usage(r.ctx(ctx), containerID(spec.ID, "serve"))
			if err != nil {
				t.Fatal(err)
			}
			if u.WritableBytes < 1<<20 || diff(u.WritableBytes, uint64(su.Size)) > 64<<10 {
				t.Errorf("writable layer: our walk %d bytes, containerd %d", u.WritableBytes, su.Size)
			}
		}
		// No UsageAll between this stop and the next start: the next
		// round reads through files opened on the old cgroups.
		if err := r.Stop(ctx, spec.ID, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if u := usage(true); u.Running || u.WritableBytes < 1<<20 {
		t.Fatalf("stopped pod: %+v", u)
	}
}

func diff(a, b uint64) uint64 { return max(a, b) - min(a, b) }

// TestUsageAllGVisorMatchesTaskMetrics checks that under gVisor the cgroup
// UsageAll reads is the one the shim reports through Task.Metrics.
func TestUsageAllGVisorMatchesTaskMetrics(t *testing.T) {
	requireRunsc(t)
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	r := newTestRuntime(t, cfg)
	ctx, spec := createTestPod(t, r, "gvmeter", runtime.Resources{CPUMillis: 500, MemoryMiB: 128}, "burn", "-threads", "1")
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	all, err := r.UsageAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	direct := all[spec.ID]
	viaShim, err := r.Usage(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cgroupfs %+v; Task.Metrics %+v", direct, viaShim)
	if !direct.Running || !viaShim.Running || direct.CPUNanos == 0 || direct.MemoryWorkingSetBytes == 0 {
		t.Fatalf("running gVisor pod: cgroupfs %+v, Task.Metrics %+v", direct, viaShim)
	}
	// The two reads are a few milliseconds apart on a pod burning half a core.
	if d := diff(direct.CPUNanos, viaShim.CPUNanos); d > 50e6 || viaShim.CPUNanos < direct.CPUNanos {
		t.Errorf("cpu: cgroupfs %d ns, Task.Metrics %d ns", direct.CPUNanos, viaShim.CPUNanos)
	}
	if d := diff(direct.MemoryWorkingSetBytes, viaShim.MemoryWorkingSetBytes); d > 4<<20 {
		t.Errorf("working set: cgroupfs %d, Task.Metrics %d", direct.MemoryWorkingSetBytes, viaShim.MemoryWorkingSetBytes)
	}
}

// createTestPod creates (not starts) a one-container pod of the podtest
// image running args, deleted when the test ends.
func createTestPod(t *testing.T, r *Runtime, prefix string, res runtime.Resources, args ...string) (context.Context, runtime.PodSpec) {
	t.Helper()
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	spec := runtime.PodSpec{ID: fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%100000), Containers: []runtime.Container{{
		Name: args[0], Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: args, Resources: res,
	}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Delete(context.Background(), spec.ID, time.Second) })
	return ctx, spec
}

// startServing starts a podtest pod and returns its base URL once it answers.
func startServing(t *testing.T, ctx context.Context, r *Runtime, id string) string {
	t.Helper()
	if err := r.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	st, err := r.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + st.IP + ":8080"
	if _, err := waitHTTP(ctx, base+"/"); err != nil {
		t.Fatal(err)
	}
	return base
}

// TestSharedDataDir: a second process's Runtime on the same data dir (a
// tool, a test's cleanup) sees the pods the first creates and deletes; the
// meter's cached listing catches up within diskEvery.
func TestSharedDataDir(t *testing.T) {
	cfg := testConfig(t, "runc")
	owner, other := newTestRuntime(t, cfg), newTestRuntime(t, cfg)
	if _, err := other.UsageAll(context.Background()); err != nil { // lists now
		t.Fatal(err)
	}
	ctx, spec := createTestPod(t, owner, "shared", runtime.Resources{CPUMillis: 100, MemoryMiB: 32}, "serve")
	has := func(r *Runtime) bool {
		pods, err := r.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods {
			if p.Spec.ID == spec.ID {
				return true
			}
		}
		return false
	}
	if !has(other) {
		t.Fatal("another runtime on the data dir does not list a new pod")
	}
	if _, err := owner.Status(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	if all, _ := owner.UsageAll(ctx); all[spec.ID].Time.IsZero() {
		t.Error("the owner's meter does not see its own new pod at once")
	}
	if err := other.Delete(ctx, spec.ID, 0); err != nil {
		t.Fatal(err)
	}
	if has(owner) {
		t.Fatal("a pod deleted by another runtime is still listed")
	}
	if _, err := owner.Status(ctx, spec.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("status of a pod another runtime deleted: %v", err)
	}
	if all, _ := owner.UsageAll(ctx); !all[spec.ID].Time.IsZero() {
		t.Error("the meter still reports a pod deleted by another runtime after a listing")
	}
}
