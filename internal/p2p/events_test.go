package p2p

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Events travel to the pod's publisher only, newest kept within the limit
// and the response size cap.
func TestPodEvents(t *testing.T) {
	e := newEnv(t, Limits{})
	ctx := context.Background()
	srv := e.srvHost.ID()
	pod := e.prov.openChannel(e.publisher.Address(), pid(1), 1000)
	if _, err := e.client.Provision(ctx, srv, e.publisher, pod, "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1_800_000_000, 123)
	e.prov.mu.Lock()
	e.prov.events = []PodEvent{
		{Time: t0, Kind: "restarted", Container: "web", ExitCode: 137, Reason: "OOMKilled", Message: "restart 1"},
		{Time: t0.Add(time.Second), Kind: "woken", Message: "by a request"},
	}
	e.prov.mu.Unlock()
	evs, err := e.client.Events(ctx, srv, e.publisher, pod, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0] != e.prov.events[0] || !evs[0].Time.Equal(t0) || evs[1].Kind != "woken" {
		t.Fatalf("events %+v", evs)
	}
	if evs, err := e.client.Events(ctx, srv, e.publisher, pod, 1); err != nil || len(evs) != 1 || evs[0].Kind != "woken" {
		t.Fatalf("limit 1: %+v, %v", evs, err)
	}

	// Someone else may not read them.
	other := NewKeySigner(newKey(t))
	if _, err := e.client.Events(ctx, srv, other, pod, 0); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("events by another key: %v", err)
	}

	// Too many or too long: the newest that fit, texts truncated.
	var many []PodEvent
	for i := 0; i < 2*MaxEvents; i++ {
		many = append(many, PodEvent{Time: t0.Add(time.Duration(i)), Kind: "restarted", Container: strings.Repeat("c", MaxNameLength),
			Reason: strings.Repeat("r", 100), Message: fmt.Sprint(i) + strings.Repeat("m", 2*MaxEventMessage)})
	}
	e.prov.mu.Lock()
	e.prov.events = many
	e.prov.mu.Unlock()
	evs, err = e.client.Events(ctx, srv, e.publisher, pod, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || len(evs) > MaxEvents {
		t.Fatalf("%d events", len(evs))
	}
	last := evs[len(evs)-1]
	if !strings.HasPrefix(last.Message, fmt.Sprint(2*MaxEvents-1)) || len(last.Message) > MaxEventMessage || len(last.Reason) > MaxEventReason {
		t.Fatalf("last event %q (%d bytes)", last.Message[:8], len(last.Message))
	}
}
