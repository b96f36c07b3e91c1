package meter

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeSource is a runtime that reports what the test sets.
type fakeSource struct {
	mu   sync.Mutex
	pods map[string]runtime.Usage
}

func (f *fakeSource) List(context.Context) ([]runtime.PodInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.PodInfo
	for id := range f.pods {
		out = append(out, runtime.PodInfo{Spec: runtime.PodSpec{ID: id}})
	}
	return out, nil
}

func (f *fakeSource) Usage(_ context.Context, id string) (runtime.Usage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.pods[id]
	if !ok {
		return u, runtime.ErrNotFound
	}
	return u, nil
}

func (f *fakeSource) set(id string, u runtime.Usage) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pods == nil {
		f.pods = map[string]runtime.Usage{}
	}
	f.pods[id] = u
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

var res = runtime.Resources{CPUMillis: 500, MemoryMiB: 64, StorageMiB: 100, GPUs: 1}

func TestIntegrateRunningPod(t *testing.T) {
	src, clk, store := &fakeSource{}, &clock{t0}, &MemStore{}
	m := New(Config{Source: src, Store: store, Now: clk.now})
	ctx := context.Background()
	since := t0.Add(-time.Second)
	for i := 0; i <= 10; i++ {
		// 0.5 core, 32 MiB working set, 10 KiB/s egress.
		src.set("p", runtime.Usage{Running: true, Since: since, CPUNanos: uint64(i) * 5e8,
			MemoryWorkingSetBytes: 32 << 20, EgressBytes: uint64(i) * 10240, Reserved: res})
		if err := m.SampleAll(ctx); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Second)
	}
	v, ok, _ := m.Vector(ctx, "p")
	want := usage.Vector{500 * 10, 64 * 10, 100 * 10, 1000 * 10, 5000, 32 * 10, 100}
	if !ok || v != want {
		t.Fatalf("vector %v, want %v", v, want)
	}
	saved, _ := store.LoadMeters(ctx)
	if saved["p"].Vector != want {
		t.Fatalf("stored %v", saved["p"].Vector)
	}
}

// TestTrackedPodFirstSample: a pod the meter tracked before it was created
// has its first sample count what it used since it started (CPU time and
// egress before the first sample were lost before), while a pod the meter
// finds already running (its state lost) only sets the baseline there.
func TestTrackedPodFirstSample(t *testing.T) {
	src, clk := &fakeSource{}, &clock{t0}
	m := New(Config{Source: src, Now: clk.now})
	ctx := context.Background()
	if err := m.Track(ctx, "new"); err != nil {
		t.Fatal(err)
	}
	// Both started 800 ms ago, used 0.3 s of CPU and sent 20 KiB.
	u := runtime.Usage{Running: true, Since: t0.Add(-800 * time.Millisecond), CPUNanos: 3e8, EgressBytes: 20 << 10,
		MemoryWorkingSetBytes: 10 << 20, Reserved: res}
	src.set("new", u)
	src.set("found", u)
	if err := m.SampleAll(ctx); err != nil {
		t.Fatal(err)
	}
	v, _, _ := m.Vector(ctx, "new")
	if want := (usage.Vector{400, 51, 80, 800, 300, 8, 20}); v != want {
		t.Fatalf("tracked pod's first sample: %v, want %v", v, want)
	}
	if v, _, _ := m.Vector(ctx, "found"); v != (usage.Vector{}) {
		t.Fatalf("untracked pod's first sample counted %v", v)
	}
	// Tracking a pod the meter already knows changes nothing.
	if err := m.Track(ctx, "new"); err != nil {
		t.Fatal(err)
	}
	clk.advance(time.Second)
	u.CPUNanos += 1e8
	src.set("new", u)
	m.SampleAll(ctx)
	if v2, _, _ := m.Vector(ctx, "new"); v2[usage.CPUUsed] != v[usage.CPUUsed]+100 {
		t.Fatalf("after Track again: %v (before %v)", v2, v)
	}
}

func TestStoppedPodCountsOnlyStorage(t *testing.T) {
	src, clk := &fakeSource{}, &clock{t0}
	m := New(Config{Source: src, Now: clk.now})
	ctx := context.Background()
	since := t0
	step := func(u runtime.Usage) {
		t.Helper()
		u.Reserved = res
		src.set("p", u)
		if err := m.SampleAll(ctx); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Second)
	}
	step(runtime.Usage{Running: true, Since: since, CPUNanos: 0})
	step(runtime.Usage{Running: true, Since: since, CPUNanos: 1e9})
	before, _, _ := m.Vector(ctx, "p")
	for range 5 { // stopped for 5 s
		step(runtime.Usage{Running: false, Since: since, EgressBytes: 0})
	}
	after, _, _ := m.Vector(ctx, "p")
	d, err := after.Sub(before)
	if err != nil {
		t.Fatal(err)
	}
	if want := (usage.Vector{0, 0, 500, 0, 0, 0, 0}); d != want {
		t.Fatalf("while stopped the vector grew by %v, want %v", d, want)
	}
	// Restart half-way through an interval: the new run's counter is taken
	// whole and reserved time counts from the start.
	restart := clk.t.Add(-500 * time.Millisecond)
	step(runtime.Usage{Running: true, Since: restart, CPUNanos: 2e8})
	again, _, _ := m.Vector(ctx, "p")
	d, _ = again.Sub(after)
	if want := (usage.Vector{250, 32, 100, 500, 200, 0, 0}); d != want {
		t.Fatalf("restart interval added %v, want %v", d, want)
	}
}

// A frozen pod (scale.idle: freeze) keeps its memory and devices and gets
// no CPU: memory and GPU reserved and memory used advance, cpu reserved and
// cpu used do not; the run goes on when it thaws (docs/runtime.md § Idle).
func TestFrozenPodCountsMemoryNotCPU(t *testing.T) {
	src, clk := &fakeSource{}, &clock{t0}
	m := New(Config{Source: src, Now: clk.now})
	ctx := context.Background()
	since := t0
	step := func(u runtime.Usage) {
		t.Helper()
		u.Reserved, u.Since, u.MemoryWorkingSetBytes = res, since, 16<<20
		src.set("p", u)
		if err := m.SampleAll(ctx); err != nil {
			t.Fatal(err)
		}
		clk.advance(time.Second)
	}
	step(runtime.Usage{Running: true, CPUNanos: 0})
	step(runtime.Usage{Running: true, CPUNanos: 1e9})
	before, _, _ := m.Vector(ctx, "p")
	for range 4 { // frozen for 4 s: the CPU counter stands still
		step(runtime.Usage{Frozen: true, CPUNanos: 1e9})
	}
	after, _, _ := m.Vector(ctx, "p")
	d, err := after.Sub(before)
	if err != nil {
		t.Fatal(err)
	}
	if want := (usage.Vector{0, 64 * 4, 100 * 4, 1000 * 4, 0, 16 * 4, 0}); d != want {
		t.Fatalf("while frozen the vector grew by %v, want %v", d, want)
	}
	// Thawed: the same run (same Since), the counter grows on from where it was.
	step(runtime.Usage{Running: true, CPUNanos: 1.5e9})
	again, _, _ := m.Vector(ctx, "p")
	d, _ = again.Sub(after)
	if want := (usage.Vector{500, 64, 100, 1000, 500, 16, 0}); d != want {
		t.Fatalf("thawed interval added %v, want %v", d, want)
	}
}

func TestMonotonicAcrossRestartsAndGaps(t *testing.T) {
	src, clk, store := &fakeSource{}, &clock{t0}, &MemStore{}
	ctx := context.Background()
	m := New(Config{Source: src, Store: store, Now: clk.now})
	rng := rand.New(rand.NewPCG(1, 2))
	var last usage.Vector
	since := t0
	var cpu, egress uint64
	for i := range 500 {
		switch rng.IntN(20) {
		case 0: // the pod restarts: counters reset
			since, cpu = clk.t, 0
		case 1: // the network is recreated: egress resets
			egress = 0
		case 2: // the provider restarts: a new meter on the same store
			m = New(Config{Source: src, Store: store, Now: clk.now})
		case 3: // a long gap
			clk.advance(time.Hour)
		}
		cpu += uint64(rng.IntN(1e9))
		egress += uint64(rng.IntN(1e5))
		src.set("p", runtime.Usage{Running: rng.IntN(4) > 0, Since: since, CPUNanos: cpu, EgressBytes: egress,
			MemoryWorkingSetBytes: uint64(rng.IntN(1 << 30)), Reserved: res})
		if err := m.SampleAll(ctx); err != nil {
			t.Fatal(err)
		}
		v, _, _ := m.Vector(ctx, "p")
		if !v.GreaterOrEqual(last) {
			t.Fatalf("step %d: vector went back from %v to %v", i, last, v)
		}
		last = v
		clk.advance(time.Duration(rng.IntN(2000)) * time.Millisecond)
	}
	if last[usage.StorageReserved] == 0 || last[usage.CPUUsed] == 0 {
		t.Fatalf("nothing counted: %v", last)
	}
}

func TestGapIsCapped(t *testing.T) {
	src, clk := &fakeSource{}, &clock{t0}
	m := New(Config{Source: src, Now: clk.now, MaxGap: 10 * time.Second})
	ctx := context.Background()
	u := runtime.Usage{Running: true, Since: t0, Reserved: res}
	src.set("p", u)
	m.SampleAll(ctx)
	clk.advance(time.Hour)
	u.CPUNanos = 3e9
	src.set("p", u)
	m.SampleAll(ctx)
	v, _, _ := m.Vector(ctx, "p")
	if want := (usage.Vector{5000, 640, 1000, 10000, 3000, 0, 0}); v != want {
		t.Fatalf("after an hour's gap %v, want %v (reserved capped at 10 s, CPU counted in full)", v, want)
	}
}

func TestForgetAndDeletedPods(t *testing.T) {
	src, clk, store := &fakeSource{}, &clock{t0}, &MemStore{}
	m := New(Config{Source: src, Store: store, Now: clk.now})
	ctx := context.Background()
	src.set("p", runtime.Usage{Running: true, Reserved: res})
	m.SampleAll(ctx)
	if err := m.Forget(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := m.Vector(ctx, "p"); ok {
		t.Fatal("forgotten pod still has a vector")
	}
	if s, _ := store.LoadMeters(ctx); len(s) != 0 {
		t.Fatalf("store still holds %v", s)
	}
}

// BenchmarkIntegrate is the meter's own arithmetic per pod and sample.
func BenchmarkIntegrate(b *testing.B) {
	st := State{}
	u := runtime.Usage{Running: true, Since: t0, Reserved: res, MemoryWorkingSetBytes: 1 << 20}
	now := t0
	for b.Loop() {
		now = now.Add(time.Second)
		u.CPUNanos += 1e6
		st = Integrate(st, u, now, 10*time.Second)
	}
}
