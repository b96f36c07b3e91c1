// Package meter samples every pod of a runtime once a second and integrates
// the samples into the cumulative usage vector of DESIGN §3
// (internal/usage): reserved CPU, memory and GPU while the pod runs, reserved
// storage while its data is kept, CPU time used, memory working set × time,
// and egress bytes. Vectors are persisted through a Store after every round
// and never decrease, across pod restarts and provider restarts alike.
package meter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// Source is what the meter reads; runtime.Runtime satisfies it. If it also
// implements runtime.UsageLister, one UsageAll call replaces List + Usage.
type Source interface {
	List(ctx context.Context) ([]runtime.PodInfo, error)
	Usage(ctx context.Context, id string) (runtime.Usage, error)
}

// State is one pod's metering state: the vector plus what the next sample
// needs to compute its increments. It is what a Store keeps.
type State struct {
	// Vector is the cumulative usage since the pod was created.
	Vector usage.Vector
	// Frac holds each counter's fraction of a unit not yet in Vector, in [0, 1).
	Frac [usage.Len]float64
	// Last is the time of the last sample (zero before the first).
	Last time.Time
	// Since, CPUNanos and EgressBytes are the raw counters at Last.
	Since       time.Time
	CPUNanos    uint64
	EgressBytes uint64
	// FromZero marks a pod whose metering began before it was created
	// (Track): its raw counters started at zero under this state, so its
	// first sample counts them whole, and its run from Since, instead of
	// only setting the baseline.
	FromZero bool `json:",omitempty"`
}

// Store persists metering state. The provider backs it with SQLite.
type Store interface {
	// LoadMeters returns every pod's saved state.
	LoadMeters(ctx context.Context) (map[string]State, error)
	// SaveMeters saves the given pods' states (one round, atomically).
	SaveMeters(ctx context.Context, states map[string]State) error
	// DeleteMeter forgets a pod.
	DeleteMeter(ctx context.Context, pod string) error
}

// Config configures a Meter.
type Config struct {
	Source Source
	Store  Store
	// Now is the clock (time.Now if nil).
	Now func() time.Time
	// Interval between rounds (1 s if zero).
	Interval time.Duration
	// MaxGap bounds the time one sample may account for (10 s if zero). A
	// longer gap — the provider was down — adds reserved and memory-used
	// time for MaxGap only (in the publisher's favour); CPU time and egress,
	// which are counters, are still counted in full.
	MaxGap time.Duration
	// Parallel is how many pods are sampled at once without UsageLister (4).
	Parallel int
	Logger   *slog.Logger
}

// Meter integrates usage. Its methods are safe for concurrent use.
type Meter struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex
	states map[string]State
	loaded bool
}

// New returns a Meter; state is loaded from the store on first use.
func New(cfg Config) *Meter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Interval == 0 {
		cfg.Interval = time.Second
	}
	if cfg.MaxGap == 0 {
		cfg.MaxGap = 10 * time.Second
	}
	if cfg.Parallel == 0 {
		cfg.Parallel = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Meter{cfg: cfg, log: cfg.Logger.With("component", "meter"), states: map[string]State{}}
}

// Run samples every Interval until ctx is done. A failed round is logged
// and the next one tried; it returns ctx's error.
func (m *Meter) Run(ctx context.Context) error {
	t := time.NewTicker(m.cfg.Interval)
	defer t.Stop()
	for {
		if err := m.SampleAll(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("metering round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (m *Meter) load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded {
		return nil
	}
	if m.cfg.Store != nil {
		st, err := m.cfg.Store.LoadMeters(ctx)
		if err != nil {
			return fmt.Errorf("load meters: %w", err)
		}
		for k, v := range st {
			m.states[k] = v
		}
	}
	m.loaded = true
	return nil
}

// SampleAll takes one sample of every pod at Now, integrates it and saves
// the states of all sampled pods.
func (m *Meter) SampleAll(ctx context.Context) error {
	if err := m.load(ctx); err != nil {
		return err
	}
	now := m.cfg.Now()
	var samples map[string]runtime.Usage
	if ul, ok := m.cfg.Source.(runtime.UsageLister); ok {
		var err error
		if samples, err = ul.UsageAll(ctx); err != nil {
			return fmt.Errorf("usage: %w", err)
		}
	} else {
		pods, err := m.cfg.Source.List(ctx)
		if err != nil {
			return fmt.Errorf("list pods: %w", err)
		}
		samples = make(map[string]runtime.Usage, len(pods))
		var mu sync.Mutex
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(m.cfg.Parallel)
		for _, p := range pods {
			id := p.Spec.ID
			g.Go(func() error {
				u, err := m.cfg.Source.Usage(gctx, id)
				if errors.Is(err, runtime.ErrNotFound) {
					return nil // deleted meanwhile
				}
				if err != nil {
					m.log.Warn("usage", "pod", id, "err", err)
					return nil
				}
				mu.Lock()
				samples[id] = u
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
	}
	m.mu.Lock()
	round := make(map[string]State, len(samples))
	for id, u := range samples {
		st := Integrate(m.states[id], u, now, m.cfg.MaxGap)
		m.states[id] = st
		round[id] = st
	}
	m.mu.Unlock()
	if m.cfg.Store != nil && len(round) > 0 {
		if err := m.cfg.Store.SaveMeters(ctx, round); err != nil {
			return fmt.Errorf("save meters: %w", err)
		}
	}
	return nil
}

// Vector returns a pod's current cumulative vector.
func (m *Meter) Vector(ctx context.Context, pod string) (usage.Vector, bool, error) {
	if err := m.load(ctx); err != nil {
		return usage.Vector{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.states[pod]
	return st.Vector, ok, nil
}

// Track starts metering a pod that does not exist yet (about to be
// created): its first sample counts what it used before it (State.FromZero).
// A pod the meter already knows is left as it is.
func (m *Meter) Track(ctx context.Context, pod string) error {
	if err := m.load(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.states[pod]; !ok {
		m.states[pod] = State{FromZero: true}
	}
	return nil
}

// Forget drops a deleted pod's state (after its final receipt).
func (m *Meter) Forget(ctx context.Context, pod string) error {
	m.mu.Lock()
	delete(m.states, pod)
	m.mu.Unlock()
	if m.cfg.Store != nil {
		return m.cfg.Store.DeleteMeter(ctx, pod)
	}
	return nil
}

// Integrate adds the sample u taken at now to st and returns the new state.
// The rules (docs/runtime.md, "Metering"):
//   - The interval since the last sample is dt, capped at maxGap. The first
//     sample of a pod only sets the baseline, unless the pod was tracked
//     from before it existed (State.FromZero): then the interval starts at
//     u.Since with zero counters, so what it used before its first sample
//     counts too.
//   - Running time in the interval is dt if the pod runs now, counted from
//     u.Since if the pod (re)started inside it; 0 if it does not run now (a
//     stop inside the interval is not charged).
//   - cpu/memory/GPU reserved advance by request × running time; storage
//     reserved by StorageMiB × dt whether running or not (data is kept).
//   - A frozen pod (u.Frozen: scale.idle freeze) holds its memory and
//     devices but gets no CPU: memory and GPU reserved, and memory used,
//     advance as if it ran; cpu reserved does not.
//   - cpu used advances by the growth of CPUNanos within one run, or by the
//     whole counter when a new run began (u.Since changed); egress likewise
//     by the growth of EgressBytes, or the whole counter if it went back.
//   - The increments are added by Add.
func Integrate(st State, u runtime.Usage, now time.Time, maxGap time.Duration) State {
	if st.Last.IsZero() {
		if !st.FromZero || u.Since.IsZero() || u.Since.After(now) {
			st.Last, st.Since, st.CPUNanos, st.EgressBytes = now, u.Since, u.CPUNanos, u.EgressBytes
			st.FromZero = false
			return st
		}
		// Created after its metering began: the counters were zero at
		// the start of its first run.
		st.Last, st.Since, st.CPUNanos, st.EgressBytes = u.Since, u.Since, 0, 0
		st.FromZero = false
	}
	if !now.After(st.Last) {
		return st // out of order or duplicate: nothing to add
	}
	dt := now.Sub(st.Last)
	capped := min(dt, maxGap)
	var run time.Duration
	if u.Running || u.Frozen {
		run = capped
		if u.Since.After(st.Last) {
			run = min(now.Sub(u.Since), capped)
		}
	}
	var cpuNs uint64
	switch {
	case !u.Since.Equal(st.Since):
		cpuNs = u.CPUNanos // a new run: its counter started from zero
	case u.CPUNanos >= st.CPUNanos:
		cpuNs = u.CPUNanos - st.CPUNanos
	}
	var egress uint64
	if u.EgressBytes >= st.EgressBytes {
		egress = u.EgressBytes - st.EgressBytes
	} else {
		egress = u.EgressBytes
	}
	inc := Increment{Elapsed: capped, Held: max(run, 0), CPUNanos: cpuNs, EgressBytes: egress,
		WorkingSetBytes: u.MemoryWorkingSetBytes, Reserved: u.Reserved}
	if u.Running {
		inc.Run = inc.Held
	} // frozen: holds memory and devices, gets no CPU
	st = Add(st, inc)
	st.Last, st.Since, st.CPUNanos, st.EgressBytes = now, u.Since, u.CPUNanos, u.EgressBytes
	return st
}

// Increment is what one interval adds to a pod's vector.
type Increment struct {
	// Elapsed is the interval (already capped): storage reserved advances
	// by it whether the pod runs or not (its data is kept).
	Elapsed time.Duration
	// Held is the part of the interval the pod held its memory and
	// devices (it ran, or was frozen): reserved memory and GPU, and memory
	// used, advance by it. Run is the part it ran (at most Held): reserved
	// CPU advances by it.
	Held, Run time.Duration
	// CPUNanos and EgressBytes were used in the interval.
	CPUNanos    uint64
	EgressBytes uint64
	// WorkingSetBytes is the memory in use (usage minus inactive file
	// cache), counted × Held.
	WorkingSetBytes uint64
	// Reserved is what the pod reserves.
	Reserved runtime.Resources
}

// Add adds inc to st's vector, carrying each counter's fraction of a unit
// (State.Frac) so that nothing is lost to rounding:
//   - cpu reserved advances by request × Run; memory and GPU reserved by
//     request × Held; storage reserved by StorageMiB × Elapsed;
//   - cpu used by CPUNanos ÷ 10⁶ (core·ms), memory used by working set (MiB)
//     × Held, egress by EgressBytes ÷ 1024 (KiB).
func Add(st State, inc Increment) State {
	runS, heldS, capS := max(inc.Run.Seconds(), 0), max(inc.Held.Seconds(), 0), max(inc.Elapsed.Seconds(), 0)
	var x [usage.Len]float64
	res := inc.Reserved
	x[usage.CPUReserved] = float64(res.CPUMillis) * runS
	x[usage.MemoryReserved] = float64(res.MemoryMiB) * heldS
	x[usage.StorageReserved] = float64(res.StorageMiB) * capS
	x[usage.GPUReserved] = float64(res.GPUs) * 1000 * heldS
	x[usage.CPUUsed] = float64(inc.CPUNanos) / 1e6
	x[usage.MemoryUsed] = float64(inc.WorkingSetBytes) / (1 << 20) * heldS
	x[usage.NetworkEgress] = float64(inc.EgressBytes) / 1024
	for i, v := range x {
		total := st.Frac[i] + v
		whole := math.Floor(total)
		st.Vector[i] += uint64(whole)
		st.Frac[i] = total - whole
	}
	return st
}

// MemStore is an in-memory Store (for tests and tools).
type MemStore struct {
	mu sync.Mutex
	m  map[string]State
}

// LoadMeters implements Store.
func (s *MemStore) LoadMeters(context.Context) (map[string]State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]State, len(s.m))
	for k, v := range s.m {
		out[k] = v
	}
	return out, nil
}

// SaveMeters implements Store.
func (s *MemStore) SaveMeters(_ context.Context, states map[string]State) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]State{}
	}
	for k, v := range states {
		s.m[k] = v
	}
	return nil
}

// DeleteMeter implements Store.
func (s *MemStore) DeleteMeter(_ context.Context, pod string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, pod)
	return nil
}
