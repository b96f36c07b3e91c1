package containerd

import (
	"context"
	"path/filepath"
	"time"

	"github.com/containerd/containerd/api/services/tasks/v1"
	"github.com/containerd/containerd/api/types/task"

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

// UsageAll implements runtime.UsageLister. Under runc it reads CPU, memory
// and liveness of each container from cgroupfs (the same counters
// Task.Metrics reports, without a round trip to each shim); under gVisor, or
// with Config.MetricsFromContainerd, it makes two containerd calls for all
// pods (task list and task metrics of our namespace). Egress is a sysfs read
// per pod; disk usage is re-measured every 10 s per pod.
func (r *Runtime) UsageAll(ctx context.Context) (map[string]runtime.Usage, error) {
	ctx = r.ctx(ctx)
	states, err := r.loadAll()
	if err != nil {
		return nil, err
	}
	type cm struct {
		cpu, ws uint64
		running bool
	}
	metrics := map[string]cm{}
	if r.cfg.Sandbox == SandboxRunc && !r.cfg.MetricsFromContainerd {
		// Cheap path: read each container's cgroup directly. Asking
		// containerd costs a round trip to every pod's shim (measured: about
		// a quarter of a core for 200 pods at 1 Hz; docs/benchmarks.md).
		for _, st := range states {
			for _, c := range st.Spec.Containers {
				cid := containerID(st.Spec.ID, c.Name)
				if cpu, ws, running, ok := r.cgroups.stats(r.cfg.Namespace, cid); ok {
					metrics[cid] = cm{cpu, ws, running}
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
		for _, c := range st.Spec.Containers {
			// CPU of an exited container whose task is not yet deleted still
			// counts, so the pod's total stays monotonic within a run.
			m := metrics[containerID(id, c.Name)]
			u.CPUNanos += m.cpu
			if m.running {
				u.Running = true
				u.MemoryWorkingSetBytes += m.ws
			}
		}
		d := r.diskUsage(ctx, st, now)
		u.WritableBytes, u.VolumeBytes = d.writable, d.volume
		if st.HostVeth != "" {
			u.EgressBytes = readCounter(filepath.Join("/sys/class/net", st.HostVeth, "statistics", "rx_bytes"))
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
	sn := r.client.SnapshotService(snapshotter)
	for _, c := range st.Spec.Containers {
		if su, err := sn.Usage(ctx, containerID(st.Spec.ID, c.Name)); err == nil {
			d.writable += uint64(max(su.Size, 0))
		}
	}
	d.volume = diskUsage(filepath.Join(r.podDir(st.Spec.ID), "volumes"))
	for _, c := range st.Spec.Containers {
		capLog(r.logPath(st.Spec.ID, c.Name), maxLogBytes)
	}
	r.mu.Lock()
	r.disk[st.Spec.ID] = d
	r.mu.Unlock()
	return d
}
