package containerd

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	taskapi "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/ttrpc"

	"github.com/trustedpods/tpod/internal/runtime"
)

// halfDeleteTask does to a container's task what containerd's task delete
// does first — the shim deletes the container — without the rest (the
// bundle's removal, the shim's shutdown, dropping it from containerd's task
// list), as when containerd stops half-way through a delete together with
// the provider.
func halfDeleteTask(t *testing.T, stateDir, namespace, cid string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stateDir, "io.containerd.runtime.v2.task", namespace, cid, "address"))
	if err != nil {
		t.Fatalf("shim address of %s: %v", cid, err)
	}
	conn, err := net.Dial("unix", strings.TrimPrefix(strings.TrimSpace(string(b)), "unix://"))
	if err != nil {
		t.Fatal(err)
	}
	c := ttrpc.NewClient(conn)
	defer c.Close()
	shim := taskapi.NewTTRPCTaskClient(c)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := shim.Kill(ctx, &taskapi.KillRequest{ID: cid, Signal: 9, All: true}); err != nil {
		t.Fatal(err)
	}
	for {
		st, err := shim.State(ctx, &taskapi.StateRequest{ID: cid})
		if err != nil {
			t.Fatal(err)
		}
		if st.ExitedAt != nil && st.ExitedAt.AsTime().After(time.Unix(0, 0)) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := shim.Delete(ctx, &taskapi.DeleteRequest{ID: cid}); err != nil {
		t.Fatal(err)
	}
}

// TestStaleTaskCleared: after a task delete interrupted half-way (the
// shim deleted the container, containerd still lists the task), containerd
// answers "not found" for the task but "already exists" for a new one. The
// pod starts again anyway, and its deletion leaves neither the shim nor its
// bundle.
func TestStaleTaskCleared(t *testing.T) {
	cfg := testConfig(t, "runc")
	stateDir := filepath.Join(filepath.Dir(os.Getenv("TPOD_TEST_CONTAINERD")), "state")
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	ctx, spec := createTestPod(t, r, "stale", runtime.Resources{CPUMillis: 100, MemoryMiB: 32}, "serve")
	cid := containerID(spec.ID, "serve")
	bundle := filepath.Join(stateDir, "io.containerd.runtime.v2.task", cfg.Namespace, cid)
	shims := func() []string {
		var out []string
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if err == nil && strings.Contains(string(b), "\x00-id\x00"+cid+"\x00") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	for round := 0; round < 2; round++ {
		startServing(t, ctx, r, spec.ID)
		halfDeleteTask(t, stateDir, cfg.Namespace, cid)
		if err := r.Start(ctx, spec.ID); err != nil {
			t.Fatalf("round %d: start after a half-done task delete: %v", round, err)
		}
		st, err := r.Status(ctx, spec.ID)
		if err != nil || st.State != runtime.PodRunning {
			t.Fatalf("round %d: status %+v %v", round, st, err)
		}
		if err := r.Stop(ctx, spec.ID, time.Second); err != nil {
			t.Fatal(err)
		}
	}
	// Half-deleted once more, then the pod is deleted.
	startServing(t, ctx, r, spec.ID)
	halfDeleteTask(t, stateDir, cfg.Namespace, cid)
	if err := r.Delete(ctx, spec.ID, time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(shims()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("shim of %s still runs after the pod was deleted: %v", cid, shims())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(bundle); !os.IsNotExist(err) {
		t.Errorf("the task's bundle %s is left: %v", bundle, err)
	}
}
