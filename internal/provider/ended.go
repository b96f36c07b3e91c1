package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
)

// A pod ends by itself when its containers exit under a restart policy
// that says not to start them again (never; on-failure after exit 0), or
// when the runtime kills it for writing past its storage reservation. An
// ended pod stays stopped, across provider restarts too, until its
// publisher restarts or updates it; its data is kept and only its reserved
// storage is charged (docs/provider.md § Pods that end).

// endedWhy says why a pod the runtime reports as st ended by itself, or ""
// when it did not: some container still runs, or the runtime (or the
// provider) is to start one again per its policy. spec gives the
// containers' policies.
func endedWhy(spec runtime.PodSpec, st runtime.PodStatus) (why string, ev store.PodEvent) {
	if st.Reason == runtime.ReasonStorageLimit {
		msg := fmt.Sprintf("killed: its writable layers and volumes grew past its storage reservation of %d MiB (%s)", spec.Resources().StorageMiB, st.Reason)
		return msg, store.PodEvent{Kind: EventEnded, Reason: st.Reason, Message: msg}
	}
	if st.State != runtime.PodStopped {
		return "", store.PodEvent{}
	}
	policy := map[string]runtime.Container{}
	for _, c := range spec.AllContainers() {
		policy[c.Name] = c
	}
	var parts []string
	for _, cs := range st.Containers {
		c, ok := policy[cs.Name]
		if !ok {
			return "", store.PodEvent{} // the spec and the status disagree (mid-update): no conclusion
		}
		if cs.Init && !c.Sidecar {
			continue // ran to completion before the containers started
		}
		if cs.State != runtime.ContainerExited {
			return "", store.PodEvent{}
		}
		if restarts(c, cs.ExitCode) {
			return "", store.PodEvent{} // its policy starts it again
		}
		part := fmt.Sprintf("container %s exited with code %d", cs.Name, cs.ExitCode)
		if cs.OOMKilled {
			part = fmt.Sprintf("container %s was killed for using more than its memory limit (OOMKilled, exit code %d)", cs.Name, cs.ExitCode)
		}
		parts = append(parts, part+" (restart: "+policyName(c.Restart)+")")
		if ev.Kind == "" {
			ev = store.PodEvent{Kind: EventEnded, Container: cs.Name, ExitCode: int32(cs.ExitCode), Reason: exitReason(cs)}
		}
	}
	if len(parts) == 0 {
		return "", store.PodEvent{}
	}
	why = strings.Join(parts, "; ")
	ev.Message = why
	return why, ev
}

// restartDue reports whether an exited container of a pod (not an init
// container that ran to completion) is to be started again per its policy.
func restartDue(spec runtime.PodSpec, st runtime.PodStatus) bool {
	policy := map[string]runtime.Container{}
	for _, c := range spec.AllContainers() {
		policy[c.Name] = c
	}
	for _, cs := range st.Containers {
		c, ok := policy[cs.Name]
		if !ok || cs.State != runtime.ContainerExited || (cs.Init && !c.Sidecar) {
			continue
		}
		if restarts(c, cs.ExitCode) {
			return true
		}
	}
	return false
}

// restarts reports whether c's policy starts it again after exit code.
func restarts(c runtime.Container, code uint32) bool {
	return c.Sidecar || c.Restart == runtime.RestartAlways || (c.Restart == runtime.RestartOnFailure && code != 0)
}

func policyName(p runtime.RestartPolicy) string {
	if p == runtime.RestartNever {
		return "never"
	}
	return string(p)
}

// exitReason names a container's exit as Kubernetes does.
func exitReason(cs runtime.ContainerStatus) string {
	switch {
	case cs.OOMKilled:
		return "OOMKilled"
	case cs.ExitCode == 0:
		return "Completed"
	}
	return "Error"
}

// endedMessage is an ended pod's status message.
func endedMessage(why string) string {
	return "ended: " + why + "; it stays stopped and keeps its data (only its storage is charged): `tpod pod update` runs it again, `tpod pod delete` removes it"
}

// checkEnded marks pd ended when the runtime's st says it ended by itself,
// and reports whether the caller is to leave the pod stopped: it ended, or
// the judgment waits for the next look. Only a pod the provider meant to be
// running is judged: a stop of the provider's own (funds, cap, scale to
// zero) or a start of its own that failed is not an end.
func (p *Provider) checkEnded(ctx context.Context, pd *pod, st runtime.PodStatus) bool {
	p.mu.Lock()
	judge := pd.ended == "" && !pd.unfunded && !pd.capped && (pd.state == p2p.PodRunning || pd.state == p2p.PodScaledToZero)
	p.mu.Unlock()
	if !judge {
		return false
	}
	if st.Reason == "" && (st.State == runtime.PodStopped || st.State == runtime.PodCreated) && !pd.scale.toZero {
		// The runtime records why it stopped a pod itself (the storage
		// limit) just after the stop, and a pod it is stopping may read
		// as created meanwhile: a pod found so is left one look, then
		// judged on the second look at the same state.
		k := fmt.Sprintf("%s %d", st.State, lastExit(st).UnixNano())
		p.mu.Lock()
		first := pd.exitSeen != k
		pd.exitSeen = k
		p.mu.Unlock()
		if first {
			return true
		}
	}
	if st.State != runtime.PodStopped && st.Reason != runtime.ReasonStorageLimit {
		return false // created: the machine restarted, say; started
	}
	if pd.scale.toZero && st.Reason != runtime.ReasonStorageLimit {
		// A pod that may scale to zero is started by its next request
		// whatever stopped it; only a storage kill, which a start would
		// repeat at once, ends it.
		return false
	}
	spec, ok := p.runtimeSpec(ctx, pd.rtID)
	if !ok {
		return false
	}
	why, ev := endedWhy(spec, st)
	if why == "" {
		return false
	}
	p.markEnded(ctx, pd, why, ev)
	return true
}

// lastExit is when the last container of st exited.
func lastExit(st runtime.PodStatus) time.Time {
	var t time.Time
	for _, cs := range st.Containers {
		if cs.State == runtime.ContainerExited && cs.FinishedAt.After(t) {
			t = cs.FinishedAt
		}
	}
	return t
}

// markEnded records that pd ended by itself: it is not started again (by
// reconcile, a restore, a deposit or a request through the gateway) until
// its publisher restarts or updates it.
func (p *Provider) markEnded(ctx context.Context, pd *pod, why string, ev store.PodEvent) {
	p.mu.Lock()
	pd.ended = why
	pd.state, pd.message = p2p.PodStopped, endedMessage(why)
	p.mu.Unlock()
	if p.gw != nil {
		p.gw.RemoveRoute(pd.rtID)
	}
	p.persistState(ctx, pd)
	p.event(pd, ev)
	p.metrics.ended.Inc()
	p.log.Info("pod ended by itself; left stopped", "pod", pd.rtID, "why", why)
}

// clearEnded forgets that pd ended (its publisher restarts or updates it).
func (p *Provider) clearEnded(pd *pod) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := pd.ended != ""
	if was {
		pd.ended = ""
		if pd.state == p2p.PodStopped && !pd.unfunded && !pd.capped {
			pd.state, pd.message = p2p.PodRunning, ""
		}
	}
	return was
}

func (p *Provider) isEnded(pd *pod) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return pd.ended != ""
}

// runtimeSpec is the spec the runtime runs pod id with.
func (p *Provider) runtimeSpec(ctx context.Context, id string) (runtime.PodSpec, bool) {
	infos, err := p.cfg.Runtime.List(ctx)
	if err != nil {
		return runtime.PodSpec{}, false
	}
	for _, in := range infos {
		if in.Spec.ID == id {
			return in.Spec, true
		}
	}
	return runtime.PodSpec{}, false
}
