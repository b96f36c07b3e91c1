package core

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/meter"
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
//   - running: a container has processes. Reserved CPU, memory and GPU and
//     memory used advance by the interval when the pod ran at both ends of
//     it (a start or a stop inside an interval is not charged: ≤ one
//     interval each, in the publisher's favour).
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
		running, pid := false, 0
		seen := make(map[string]rawCounter, len(byPod[pod]))
		for _, name := range byPod[pod] {
			ct, ok := c.hier.Read(c.files, ns, name)
			if !ok {
				continue
			}
			cpu += grow(ch.Containers[name], rawCounter{ct.ID, ct.CPUNanos}, ch.Adopt)
			seen[name] = rawCounter{ct.ID, ct.CPUNanos}
			if ct.Running {
				running, ws = true, ws+ct.WorkingSet
				if pid == 0 {
					pid = ct.PID
				}
			}
		}
		var egress uint64
		if pid != 0 {
			if sent, netns, ok := cgroupfs.NetDev(c.files, c.cfg.Metering.ProcRoot, pid); ok {
				cur := rawCounter{netns, sent}
				egress = grow(ch.Net, cur, ch.Adopt)
				ch.Net = cur
			}
		}
		elapsed := time.Duration(0)
		if !ch.Meter.Last.IsZero() && now.After(ch.Meter.Last) {
			elapsed = min(now.Sub(ch.Meter.Last), maxGap)
		}
		run := time.Duration(0)
		if running && ch.Running {
			run = elapsed
		}
		kept := elapsed
		if dir := c.cfg.Metering.PodsDir; dir != "" {
			if _, err := os.Stat(filepath.Join(dir, pod)); errors.Is(err, fs.ErrNotExist) {
				kept = 0
			}
		}
		st := meter.Add(ch.Meter, meter.Increment{Elapsed: kept, Run: run, CPUNanos: cpu, EgressBytes: egress,
			WorkingSetBytes: ws, Reserved: ch.Reserved.resources()})
		// Add counts storage by Elapsed: with the data gone, none.
		ch.Meter = st
		ch.Meter.Last = now
		ch.Containers, ch.Running, ch.SampledAt, ch.Adopt = seen, running, now, false
	}
	c.files.Sweep()
	if err := c.save(); err != nil {
		c.log.Error("metering round not saved", "err", err)
	}
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
