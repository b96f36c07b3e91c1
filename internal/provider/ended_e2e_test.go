package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
)

// exitManifest is a pod whose one container exits 0 after a second under
// the default policy (restart: never).
const exitManifest = `apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: job
spec:
  containers:
  - name: main
    image: podtest:latest
    args: ["exit", "-code", "0", "-after", "1s"]
    resources: {cpu: 250m, memory: 64Mi, storage: 64Mi}
  scale: {min: 1, max: 1}
`

// TestProviderEndedPod: a pod whose container exits 0 under restart: never
// ends: the provider leaves it stopped, says why in its status and events,
// does not start it at a restart of its own, and runs it again on the
// publisher's restart request, after which it ends again.
func TestProviderEndedPod(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pod := w.channel(t, 10_000_000, 8)
	cid := w.publishManifest(t, pod, exitManifest)
	w.provision(t, pod, cid)
	const why = "container main exited with code 0 (restart: never)"
	ended := func() bool {
		st, err := w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
		return err == nil && st.State == p2p.PodStopped && strings.Contains(st.Message, "ended: "+why)
	}
	waitFor(t, 3*w.cycle+5*time.Second, "the pod to end", ended)
	evs := w.waitEvents(t, pod, w.cycle, EventEnded)
	if e := evs[len(evs)-1]; e.Container != "main" || e.ExitCode != 0 || e.Reason != "Completed" || e.Message != why {
		t.Errorf("ended event %+v", e)
	}
	since := func() time.Time {
		u, err := w.rt.Usage(ctx, runtimeID(pod.ChannelID))
		if err != nil {
			t.Fatal(err)
		}
		return u.Since
	}
	run := since()
	time.Sleep(2 * w.cycle)
	if !since().Equal(run) || !ended() {
		t.Fatal("the ended pod was started again")
	}

	// A provider restart leaves it ended.
	w.restart(t, w.cfg)
	time.Sleep(2 * w.cycle)
	if !since().Equal(run) || !ended() {
		t.Fatal("the ended pod was started again by a provider restart")
	}

	// The publisher's restart runs it again; it ends again.
	st, err := w.client.Restart(ctx, w.provNode.ID(), w.publisher, pod, "")
	if err != nil || st.State != p2p.PodRunning {
		t.Fatalf("restart of an ended pod: %+v %v", st, err)
	}
	if since().Equal(run) {
		t.Fatal("the restart did not start a new run")
	}
	w.waitEvents(t, pod, 3*w.cycle+5*time.Second, EventEnded, EventRestartRequested, EventEnded)
	if rs, err := w.rt.Status(ctx, runtimeID(pod.ChannelID)); err != nil || rs.State != runtime.PodStopped {
		t.Fatalf("runtime status after it ended again: %+v %v", rs, err)
	}
}
