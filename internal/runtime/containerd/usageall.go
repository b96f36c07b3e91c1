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

// UsageAll implements runtime.UsageLister with two containerd calls for all
// pods (task list and task metrics of our namespace) plus a sysfs read per
// pod; disk usage is re-measured every 10 s per pod.
func (r *Runtime) UsageAll(ctx context.Context) (map[string]runtime.Usage, error) {
	ctx = r.ctx(ctx)
	states, err := r.loadAll()
	if err != nil {
		return nil, err
	}
	tl, err := r.client.TaskService().List(ctx, &tasks.ListTasksRequest{})
	if err != nil {
		return nil, wrapErr(err)
	}
	running := map[string]bool{}
	for _, t := range tl.Tasks {
		running[t.ID] = t.Status == task.Status_RUNNING
	}
	mr, err := r.client.TaskService().Metrics(ctx, &tasks.MetricsRequest{})
	if err != nil {
		return nil, wrapErr(err)
	}
	type cm struct{ cpu, ws uint64 }
	metrics := map[string]cm{}
	for _, m := range mr.Metrics {
		cpu, ws, err := DecodeMetrics(m)
		if err != nil {
			continue
		}
		metrics[m.ID] = cm{cpu, ws}
	}
	now := r.now()
	out := make(map[string]runtime.Usage, len(states))
	var over []string
	for _, st := range states {
		id := st.Spec.ID
		u := runtime.Usage{Time: now, Since: st.Since, Reserved: st.Spec.Resources()}
		for _, c := range st.Spec.Containers {
			cid := containerID(id, c.Name)
			if running[cid] {
				u.Running = true
				m := metrics[cid]
				u.CPUNanos += m.cpu
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
	r.mu.Lock()
	r.disk[st.Spec.ID] = d
	r.mu.Unlock()
	return d
}
