package provider

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/store"
)

// A restart is recorded once, however often the pod is looked at; a new run
// (counts from zero) is not a restart; after a provider restart the counts
// it finds are not news; the events outlive the provider.
func TestNoteRestarts(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "provider.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{cfg: Config{Store: s, Now: time.Now}, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	pd := &pod{channel: [32]byte{7}, rtID: "p7"}
	look := func(pd *pod, web int, exited, oom bool) {
		c := runtime.ContainerStatus{Name: "web", State: runtime.ContainerRunning, Restarts: web}
		if exited {
			c.State, c.ExitCode = runtime.ContainerExited, 137
		}
		c.OOMKilled = oom
		p.noteRestarts(pd, runtime.PodStatus{Containers: []runtime.ContainerStatus{c, {Name: "db", State: runtime.ContainerRunning}}})
	}
	events := func() []store.PodEvent {
		evs, err := p.cfg.Store.PodEvents(ctx, pd.channel, 0)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	look(pd, 0, false, false)
	look(pd, 1, true, true)
	look(pd, 1, true, true)
	look(pd, 1, false, false)
	evs := events()
	if len(evs) != 1 || evs[0].Kind != EventRestarted || evs[0].Container != "web" || evs[0].ExitCode != 137 || evs[0].Reason != "OOMKilled" {
		t.Fatalf("after one restart seen three times: %+v", evs)
	}
	look(pd, 3, false, false) // two restarts between looks
	look(pd, 0, false, false) // a new run of the pod (a wake, a restart order)
	look(pd, 1, false, false)
	if evs := events(); len(evs) != 4 || evs[3].Message != "restart 1 of this run" || evs[2].Message != "restart 3 of this run" {
		t.Fatalf("after 2 more and a new run with 1: %+v", evs)
	}

	// The provider restarts: the pod is restored with its counts unknown.
	s.Close()
	if s, err = store.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p.cfg.Store = s
	pd = &pod{channel: [32]byte{7}, rtID: "p7", restartsUnknown: true}
	look(pd, 5, false, false)
	if evs := events(); len(evs) != 4 {
		t.Fatalf("a restored pod's old restarts were recorded: %+v", evs)
	}
	look(pd, 6, false, false)
	if evs := events(); len(evs) != 5 || evs[4].Message != "restart 6 of this run" {
		t.Fatalf("restart after the restore: %+v", evs)
	}

}
