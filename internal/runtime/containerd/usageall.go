package containerd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/containerd/containerd/api/services/tasks/v1"
	"github.com/containerd/containerd/api/types/task"
	"github.com/containerd/containerd/v2/core/mount"

	"github.com/trustedpods/tpod/internal/runtime"
)

var _ runtime.UsageLister = (*Runtime)(nil)

// diskEvery is how often UsageAll re-measures writable layers and volumes
// (a directory walk each); in between it reports the last figures.
const diskEvery = 10 * time.Second

type diskSample struct {
	at               time.Time
	writable, volume uint64
}

// UsageAll implements runtime.UsageLister. It reads CPU, memory and
// liveness of each container from cgroupfs: the same counters Task.Metrics
// reports (the shim reads the cgroup at the container's cgroupsPath, where
// runc puts the container and runsc its sandbox), without a round trip to
// each shim. With Config.MetricsFromContainerd it makes two containerd
// calls for all pods instead (task list and task metrics of our namespace).
// Egress is a sysfs read per pod; disk usage is re-measured every 10 s per
// pod.
func (r *Runtime) UsageAll(ctx context.Context) (map[string]runtime.Usage, error) {
	ctx = r.ctx(ctx)
	states, err := r.meteredStates()
	if err != nil {
		return nil, err
	}
	type cm struct {
		cpu, ws uint64
		running bool
	}
	metrics := map[string]cm{}
	r.usageMu.Lock()
	defer r.usageMu.Unlock()
	sc := r.usageFiles
	defer sc.Sweep()
	if !r.cfg.MetricsFromContainerd {
		// Cheap path: read each container's cgroup directly. Asking
		// containerd costs a round trip to every pod's shim (measured: about
		// a quarter of a core for 200 pods at 1 Hz; docs/benchmarks.md).
		for _, st := range states {
			for _, c := range st.Spec.AllContainers() {
				cid := containerID(st.Spec.ID, c.Name)
				if c, ok := r.cgroups.Read(sc, r.cfg.Namespace, cid); ok {
					metrics[cid] = cm{c.CPUNanos, c.WorkingSet, c.Running}
				}
			}
		}
	} else {
		tl, err := r.client.TaskService().List(ctx, &tasks.ListTasksRequest{})
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, t := range tl.Tasks {
			metrics[t.ID] = cm{running: t.Status == task.Status_RUNNING}
		}
		mr, err := r.client.TaskService().Metrics(ctx, &tasks.MetricsRequest{})
		if err != nil {
			return nil, wrapErr(err)
		}
		for _, m := range mr.Metrics {
			cpu, ws, err := DecodeMetrics(m)
			if err != nil {
				continue
			}
			if old, ok := metrics[m.ID]; ok {
				metrics[m.ID] = cm{cpu, ws, old.running}
			}
		}
	}
	now := r.now()
	out := make(map[string]runtime.Usage, len(states))
	var over []string
	for _, st := range states {
		id := st.Spec.ID
		u := runtime.Usage{Time: now, Since: st.Since, Reserved: st.Spec.Resources()}
		for _, c := range st.Spec.AllContainers() {
			// CPU of an exited container whose task is not yet deleted still
			// counts, so the pod's total stays monotonic within a run.
			m := metrics[containerID(id, c.Name)]
			u.CPUNanos += m.cpu
			if m.running {
				u.Running = true
				u.MemoryWorkingSetBytes += m.ws
			}
		}
		switch {
		case st.Frozen && u.Running:
			// Its processes exist (they count in pids.current) but are
			// frozen: they hold their memory and get no CPU.
			u.Running, u.Frozen = false, true
		case st.Parked:
			// Stopped; its next tasks wait (idle.go): not a run. Their
			// counters are the next run's, taken whole when it begins.
			u.Running, u.MemoryWorkingSetBytes, u.CPUNanos = false, 0, 0
		}
		for _, c := range st.Spec.AllContainers() {
			r.logMarks.mark(r.logPath(id, c.Name), now)
		}
		d := r.diskUsage(ctx, st, now)
		u.WritableBytes, u.VolumeBytes = d.writable, d.volume
		if st.HostVeth != "" {
			u.EgressBytes = sc.Counter(filepath.Join("/sys/class/net", st.HostVeth, "statistics", "rx_bytes"))
		}
		if limit := u.Reserved.StorageMiB << 20; limit > 0 && u.Running && u.WritableBytes+u.VolumeBytes > limit {
			over = append(over, id)
			u.Running = false
		}
		out[id] = u
	}
	for _, id := range over {
		r.log.Info("storage limit exceeded, killing pod", "pod", id)
		if err := r.killForStorage(ctx, id); err != nil {
			r.log.Warn("kill pod over its storage limit", "pod", id, "err", err)
		}
	}
	return out, nil
}

func (r *Runtime) diskUsage(ctx context.Context, st *podState, now time.Time) diskSample {
	r.mu.Lock()
	d, ok := r.disk[st.Spec.ID]
	r.mu.Unlock()
	if ok && now.Sub(d.at) < diskEvery && now.Sub(d.at) >= 0 {
		return d
	}
	d = diskSample{at: now}
	for _, c := range st.Spec.AllContainers() {
		d.writable += r.writableUsage(ctx, containerID(st.Spec.ID, c.Name))
	}
	d.volume = diskUsage(filepath.Join(r.podDir(st.Spec.ID), "volumes"))
	for _, c := range st.Spec.AllContainers() {
		capLog(r.logPath(st.Spec.ID, c.Name), maxLogBytes)
	}
	r.mu.Lock()
	r.disk[st.Spec.ID] = d
	r.mu.Unlock()
	return d
}

// writableUsage measures a container's writable layer. It walks the
// snapshot's upper directory itself, found once through the snapshot's
// mounts: asking containerd for the snapshot's usage costs a gRPC call, a
// metadata transaction and the same walk inside containerd per pod.
// A container recreated under the same key gets a new snapshot directory;
// the old one is gone, so its path is looked up again. Where the directory
// is not visible (containerd on another machine) containerd measures.
func (r *Runtime) writableUsage(ctx context.Context, cid string) uint64 {
	r.mu.Lock()
	dir, ok := r.upperDirs[cid]
	r.mu.Unlock()
	if ok {
		if _, err := os.Lstat(dir); err == nil {
			return diskUsage(dir)
		}
	}
	sn := r.client.SnapshotService(snapshotter)
	if mounts, err := sn.Mounts(ctx, cid); err == nil {
		if dir := upperDir(mounts); dir != "" {
			if _, err := os.Lstat(dir); err == nil {
				r.mu.Lock()
				r.upperDirs[cid] = dir
				r.mu.Unlock()
				return diskUsage(dir)
			}
		}
	}
	// No snapshot yet, or containerd's root is not visible here (it runs
	// elsewhere): containerd measures.
	r.mu.Lock()
	delete(r.upperDirs, cid)
	r.mu.Unlock()
	if su, err := sn.Usage(ctx, cid); err == nil {
		return uint64(max(su.Size, 0))
	}
	return 0
}

// upperDir returns the directory a container writes to: the upperdir of an
// overlay mount, or the source of a bind mount (a snapshot without parents).
func upperDir(mounts []mount.Mount) string {
	if len(mounts) != 1 {
		return ""
	}
	m := mounts[0]
	switch m.Type {
	case "overlay":
		for _, o := range m.Options {
			if dir, ok := strings.CutPrefix(o, "upperdir="); ok {
				return dir
			}
		}
	case "bind":
		return m.Source
	}
	return ""
}
