package core

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/meter"
	"github.com/trustedpods/tpod/internal/runtime"
)

// round is one metering round of every open channel from the kernel's own
// counters (MeterCore); the caller holds mu. Paths come from the channel ID
// alone: the pod is RuntimeID(channel), its containers' cgroups
// /<namespace>/<pod>.<container> (whatever containers it has), its network
// namespace that of a process in them. Per channel and round:
//
//   - CPU used: the growth of each container's cgroup counter since the
//     last round; a cgroup the core has not seen (a new container or a new
//     run: its counter started at zero) counts whole, unless the channel is
//     being adopted (the core lost its record: then the counters are taken
//     as they are, unbilled).
//   - egress: likewise, the bytes sent by the pod's network namespace
//     (every interface but lo), a new namespace counting whole.
//   - running: a container has processes its freezer does not hold.
//     Reserved CPU advances by the interval when the pod ran at both ends
//     of it; when it started inside it, from its cgroup's creation (the
//     directory's time); a stop inside an interval is not charged (≤ one
//     interval per stop, in the publisher's favour).
//   - held: it runs, or a container that ran is frozen (scale.idle
//     freeze: it keeps its memory and gets no CPU). Reserved memory and GPU
//     and memory used advance while it is held. A container frozen before
//     it ever ran is a task created ahead of a wake (a parked pod): not
//     held.
//     The runtime creates those tasks before it freezes them: while it
//     parks a pod it keeps runtime.ParkingMarker in the pod's data
//     directory, and a container the core has not seen run is then not a
//     run, frozen or not (without the marker, a round between the create
//     and the freeze counted the parked task as a run, and its memory as
//     held for as long as it stayed parked). The marker is the untrusted
//     daemon's word, but it can only lower the bill: the provider's loss,
//     never the publisher's.
//   - reserved storage advances by the interval while the pod's data
//     directory exists.
//
// The interval is capped at MaxGap (the core was down: reserved time is
// lost, counters are counted in full). The reservation is the committed
// bundle's.
func (c *Core) round() {
	if c.st == nil || len(c.st.Channels) == 0 {
		return
	}
	now := c.now()
	ns := c.cfg.Metering.Namespace
	byPod := map[string][]string{}
	if ents, err := os.ReadDir(c.hier.CPUDir(ns)); err == nil {
		for _, e := range ents {
			if pod, _, ok := strings.Cut(e.Name(), "."); ok && e.IsDir() {
				byPod[pod] = append(byPod[pod], e.Name())
			}
		}
	}
	maxGap := time.Duration(c.cfg.Metering.MaxGap)
	for key, ch := range c.st.Channels {
		id, _ := parseKey(key)
		pod := RuntimeID(id)
		var cpu, ws uint64
		running, held := false, false
		var pids []int
		var started time.Time // the earliest new run's start, if one began
		seen := make(map[string]rawCounter, len(byPod[pod]))
		parking := c.parking(pod)
		for _, name := range byPod[pod] {
			ct, ok := c.hier.Read(c.files, ns, name)
			if !ok {
				continue
			}
			prev := ch.Containers[name]
			cur := rawCounter{ID: ct.ID, Value: ct.CPUNanos, Ran: prev.ID == ct.ID && prev.Ran}
			cpu += grow(prev, cur, ch.Adopt)
			switch {
			case parking && !cur.Ran:
				// A task being created ahead of a wake, frozen or not yet:
				// not a run (its CPU time counts, as the next run's).
			case ct.Running && !ct.Frozen:
				running, held, cur.Ran = true, true, true
				ws += ct.WorkingSet
				pids = append(pids, ct.PIDs...)
				if prev.ID != ct.ID {
					if t, err := c.hier.Created(ns, name); err == nil && (started.IsZero() || t.Before(started)) {
						started = t
					}
				}
			case ct.Running && cur.Ran:
				// Frozen after it ran (scale.idle freeze): it holds its
				// memory and devices, and gets no CPU.
				held = true
				ws += ct.WorkingSet
				pids = append(pids, ct.PIDs...)
			}
			// Frozen and never run: tasks created ahead of a wake (a
			// parked pod): stopped.
			seen[name] = cur
		}
		var egress uint64
		if n, ok := c.podNet(pod, pids); ok {
			cur := rawCounter{ID: n.ID, Value: n.Sent}
			egress = grow(ch.Net, cur, ch.Adopt)
			ch.Net = cur
		}
		elapsed := time.Duration(0)
		if !ch.Meter.Last.IsZero() && now.After(ch.Meter.Last) {
			elapsed = min(now.Sub(ch.Meter.Last), maxGap)
		}
		// Time in the interval: a start inside it counts from the run's
		// cgroup's creation; a stop, a freeze or a thaw inside it is not
		// charged for what changed.
		var fromStart time.Duration
		if !started.IsZero() && !ch.Adopt {
			fromStart = elapsed
			if from := now.Add(-elapsed); started.After(from) {
				fromStart = max(now.Sub(started), 0)
			}
		}
		var run, holding time.Duration
		switch {
		case running && ch.Running:
			run = elapsed
		case running:
			run = fromStart
		}
		switch {
		case held && ch.Held:
			holding = elapsed
		case held:
			holding = max(run, fromStart)
		}
		kept := elapsed
		if dir := c.cfg.Metering.PodsDir; dir != "" {
			if _, err := os.Stat(filepath.Join(dir, pod)); errors.Is(err, fs.ErrNotExist) {
				kept = 0
			}
		}
		ch.Meter = meter.Add(ch.Meter, meter.Increment{Elapsed: kept, Run: run, Held: holding, CPUNanos: cpu, EgressBytes: egress,
			WorkingSetBytes: ws, Reserved: ch.Reserved.resources()})
		ch.Meter.Last = now
		ch.Containers, ch.Running, ch.Held, ch.SampledAt, ch.Adopt = seen, running, held, now, false
	}
	c.files.Sweep()
	if err := c.saveRound(now); err != nil {
		c.log.Error("metering round not saved", "err", err)
	}
}

// podNet reads the pod's network namespace through one of its processes.
// A pod's processes may sit in other namespaces of their own (gVisor's
// gofer has one with only a loopback): the pod's is the first with an
// interface besides lo, and the process found is remembered.
func (c *Core) podNet(pod string, pids []int) (cgroupfs.Net, bool) {
	if len(pids) == 0 {
		delete(c.netPID, pod)
		return cgroupfs.Net{}, false
	}
	if pid, ok := c.netPID[pod]; ok && slices.Contains(pids, pid) {
		if n, ok := cgroupfs.NetDev(c.files, c.cfg.Metering.ProcRoot, pid); ok && n.Interfaces > 0 {
			return n, true
		}
	}
	for _, pid := range pids {
		if n, ok := cgroupfs.NetDev(c.files, c.cfg.Metering.ProcRoot, pid); ok && n.Interfaces > 0 {
			c.netPID[pod] = pid
			return n, true
		}
	}
	delete(c.netPID, pod)
	return cgroupfs.Net{}, false
}

// grow is what a raw counter adds since its previous reading: the growth
// when it counts the same thing, the whole counter when it is new (it
// started at zero), nothing when adopting.
func grow(prev, cur rawCounter, adopt bool) uint64 {
	switch {
	case prev.ID == cur.ID && prev.ID != 0 && cur.Value >= prev.Value:
		return cur.Value - prev.Value
	case adopt:
		return 0
	case prev.ID == cur.ID && prev.ID != 0:
		return cur.Value // went back: reset in place
	default:
		return cur.Value
	}
}

// parking reports whether the runtime is creating or keeps a parked pod's
// next tasks (runtime.ParkingMarker in its data directory).
func (c *Core) parking(pod string) bool {
	dir := c.cfg.Metering.PodsDir
	if dir == "" {
		return false
	}
	_, err := os.Lstat(filepath.Join(dir, pod, runtime.ParkingMarker))
	return err == nil
}
