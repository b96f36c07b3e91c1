package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// Events are kept per pod, the newest MaxPodEvents of them, across a reopen,
// and go with the pod's record.
func TestPodEventsBoundedAndDurable(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	a, b := [32]byte{1}, [32]byte{2}
	t0 := time.Unix(1_800_000_000, 0)
	for i := 0; i < MaxPodEvents+7; i++ {
		if err := s.AddPodEvent(ctx, a, PodEvent{Time: t0.Add(time.Duration(i) * time.Second), Kind: "restarted", Container: "web", ExitCode: 137, Reason: "OOMKilled", Message: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddPodEvent(ctx, b, PodEvent{Time: t0, Kind: "woken"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.PodEvents(ctx, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != MaxPodEvents {
		t.Fatalf("%d events kept, want %d", len(evs), MaxPodEvents)
	}
	first, last := evs[0], evs[len(evs)-1]
	if first.Message != "7" || last.Message != fmt.Sprint(MaxPodEvents+6) || !last.Time.Equal(t0.Add(time.Duration(MaxPodEvents+6)*time.Second)) {
		t.Fatalf("kept %q..%q (last at %v), want the newest", first.Message, last.Message, last.Time)
	}
	if last.Kind != "restarted" || last.Container != "web" || last.ExitCode != 137 || last.Reason != "OOMKilled" {
		t.Fatalf("event read back as %+v", last)
	}
	if evs, _ := s.PodEvents(ctx, a, 2); len(evs) != 2 || evs[1].Message != last.Message {
		t.Fatalf("limit 2 gave %+v", evs)
	}
	if err := s.PutPod(ctx, Pod{ChannelID: a, Publisher: "0xabc", State: "running"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeletePod(ctx, a); err != nil {
		t.Fatal(err)
	}
	if evs, _ := s.PodEvents(ctx, a, 0); len(evs) != 0 {
		t.Fatalf("%d events left after the pod was deleted", len(evs))
	}
	if evs, _ := s.PodEvents(ctx, b, 0); len(evs) != 1 || evs[0].Kind != "woken" {
		t.Fatalf("other pod's events: %+v", evs)
	}
}
