package containerd

import (
	"context"
	"strings"
	"time"

	apievents "github.com/containerd/containerd/api/events"
	"github.com/containerd/typeurl/v2"
)

// watchOOM records OOM kills of our containers from containerd's
// /tasks/oom events, persisting them as a container label so the flag
// survives the task's deletion and our own restarts.
func (r *Runtime) watchOOM(ctx context.Context) {
	defer close(r.done)
	for ctx.Err() == nil {
		evs, errs := r.client.EventService().Subscribe(ctx, `topic=="/tasks/oom"`, `namespace==`+quote(r.cfg.Namespace))
	loop:
		for {
			select {
			case <-ctx.Done():
				return
			case err := <-errs:
				if err != nil && ctx.Err() == nil {
					r.log.Debug("event stream", "err", err)
				}
				break loop
			case e := <-evs:
				if e == nil || e.Event == nil {
					continue
				}
				v, err := typeurl.UnmarshalAny(e.Event)
				if err != nil {
					continue
				}
				oom, ok := v.(*apievents.TaskOOM)
				if !ok || !strings.Contains(oom.ContainerID, ".") {
					continue
				}
				r.mu.Lock()
				r.oom[oom.ContainerID] = true
				r.mu.Unlock()
				if cont, err := r.client.LoadContainer(ctx, oom.ContainerID); err == nil {
					cont.SetLabels(ctx, map[string]string{labelOOM: "1"})
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func quote(s string) string { return `"` + s + `"` }
