package containerd

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// TestInitSequenceResumes: the process running a pod's init sequence stops
// (a provider restart) while an init container runs, with a sidecar up. A
// new Runtime takes the sequence up where it stood: the sidecar and the
// completed init container are not run again, the running one is waited
// for, and the containers start after it.
func TestInitSequenceResumes(t *testing.T) {
	cfg := testConfig(t, "runc")
	r1 := newTestRuntime(t, cfg)
	cleanStale(t, r1)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	c := func(name string, args ...string) runtime.Container {
		return runtime.Container{Name: name, Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: args,
			Resources: runtime.Resources{CPUMillis: 100, MemoryMiB: 32},
			Mounts:    []runtime.Mount{{Volume: "work", Path: "/work"}}}
	}
	one := c("one", "write", "-path", "/work/one", "-data", "1")
	side := c("side", "serve", "-addr", ":9090")
	side.Sidecar = true
	hold := c("hold", "wait", "-path", "/work/go")
	spec := runtime.PodSpec{ID: "resume-init",
		InitContainers: []runtime.Container{one, side, hold},
		Containers:     []runtime.Container{c("web", "serve")},
		Volumes:        []runtime.Volume{{Name: "work", Kind: runtime.EmptyDir}},
	}
	if err := r1.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r1.Delete(context.Background(), spec.ID, 0) })
	sctx, scancel := context.WithCancel(ctx)
	defer scancel()
	go r1.Start(sctx, spec.ID) // returns once the sequence is done, or never here
	state := func(r *Runtime) map[string]runtime.ContainerStatus {
		st, err := r.Status(ctx, spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]runtime.ContainerStatus{}
		for _, cs := range st.Containers {
			out[cs.Name] = cs
		}
		return out
	}
	deadline := time.Now().Add(time.Minute)
	for state(r1)["hold"].State != runtime.ContainerRunning {
		if time.Now().After(deadline) {
			t.Fatalf("the held init container never ran: %+v", state(r1))
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := state(r1)
	// The provider stops mid-sequence; its pods keep running.
	scancel()
	r1.Close()

	r2 := newTestRuntime(t, cfg)
	st, err := r2.Status(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != runtime.PodStarting {
		t.Errorf("a resumed sequence is %s, want %s", st.State, runtime.PodStarting)
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, "pods", spec.ID, "volumes", "work", "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(time.Minute)
	for {
		st, err = r2.Status(ctx, spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.State == runtime.PodRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the containers did not start after the resumed init container completed: %+v", st)
		}
		time.Sleep(50 * time.Millisecond)
	}
	after := state(r2)
	if !after["one"].FinishedAt.Equal(before["one"].FinishedAt) {
		t.Errorf("init container one ran again (finished %v, then %v)", before["one"].FinishedAt, after["one"].FinishedAt)
	}
	if after["side"].State != runtime.ContainerRunning || after["hold"].State != runtime.ContainerExited || after["hold"].ExitCode != 0 {
		t.Errorf("containers after the resumed sequence: %+v", after)
	}
	if r := after["side"].Restarts; r != 0 {
		t.Errorf("the sidecar was restarted %d times", r)
	}
	if err := r2.Delete(ctx, spec.ID, 0); err != nil {
		t.Fatal(err)
	}
}
