package cgroupfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The freezer of a container's cgroup: freezer.state in the v1 freezer
// hierarchy (FROZEN/FREEZING/THAWED), cgroup.freeze and cgroup.events'
// "frozen" line under v2.

func (h Hierarchy) freezerFile(ns, id string) string {
	if h.V2 {
		return filepath.Join(h.Root, ns, id, "cgroup.events")
	}
	return filepath.Join(h.Root, "freezer", ns, id, "freezer.state")
}

// frozenIn reports whether a freezer file's contents say frozen (FREEZING
// counts: its tasks are on their way and get no CPU).
func (h Hierarchy) frozenIn(b []byte) bool {
	if h.V2 {
		return strings.Contains(string(b), "frozen 1")
	}
	s := strings.TrimSpace(string(b))
	return s == "FROZEN" || s == "FREEZING"
}

// SetFrozen freezes or thaws a container's cgroup.
func (h Hierarchy) SetFrozen(ns, id string, frozen bool) error {
	if h.V2 {
		v := "0"
		if frozen {
			v = "1"
		}
		return os.WriteFile(filepath.Join(h.Root, ns, id, "cgroup.freeze"), []byte(v), 0)
	}
	v := "THAWED"
	if frozen {
		v = "FROZEN"
	}
	return os.WriteFile(filepath.Join(h.Root, "freezer", ns, id, "freezer.state"), []byte(v), 0)
}

// Frozen reports whether every process of a container's cgroup is frozen.
func (h Hierarchy) Frozen(ns, id string) bool {
	b, err := os.ReadFile(h.freezerFile(ns, id))
	if err != nil {
		return false
	}
	if h.V2 {
		return strings.Contains(string(b), "frozen 1")
	}
	return strings.TrimSpace(string(b)) == "FROZEN"
}

// WaitFrozen waits until every process of the cgroup is frozen (v1 passes
// through FREEZING while tasks reach the refrigerator).
func (h Hierarchy) WaitFrozen(ctx context.Context, ns, id string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for delay := 100 * time.Microsecond; !h.Frozen(ns, id); delay = min(2*delay, 20*time.Millisecond) {
		if time.Now().After(deadline) {
			return errors.New("cgroup did not freeze")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
	return nil
}

// HasProcesses reports whether the container's cgroup exists and holds a
// process.
func (h Hierarchy) HasProcesses(ns, id string) bool {
	p := filepath.Join(h.Root, "pids", ns, id, "pids.current")
	if h.V2 {
		p = filepath.Join(h.Root, ns, id, "pids.current")
	}
	b, err := os.ReadFile(p)
	return err == nil && ParseCounter(b) > 0
}
