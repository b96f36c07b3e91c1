package runtimetest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

func (s *suite) featureTests() []subtest {
	return []subtest{
		{"InitContainers", s.testInit, runtime.FeatureInitContainers},
		{"InitFailure", s.testInitFailure, runtime.FeatureInitContainers},
		{"Probes", s.testProbes, runtime.FeatureProbes},
		{"Hostnames", s.testHostnames, runtime.FeatureHostnames},
		{"Security", s.testSecurity, runtime.FeatureSecurity},
	}
}

// RunFeatures runs only the subtests of the optional features (for a second
// sandbox of the same backend, say), skipping those the backend lacks.
func RunFeatures(t *testing.T, newRuntime Factory) {
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatalf("build test image: %v", err)
	}
	s := &suite{newRuntime: newRuntime, img: img}
	s.rt = newRuntime(t)
	for _, tc := range s.featureTests() {
		t.Run(tc.name, func(t *testing.T) {
			if !runtime.Supports(s.rt, tc.needs) {
				t.Skipf("backend does not implement runtime.%s", tc.needs)
			}
			tc.fn(t)
		})
	}
}

// testInit: init containers run in order before the containers, each after
// the previous one exited 0; a sidecar keeps running beside the containers.
func (s *suite) testInit(t *testing.T) {
	data := []runtime.Mount{{Volume: "work", Path: "/work"}}
	one := s.container("one", "write", "-path", "/work/one", "-data", "first")
	one.Mounts = data
	two := s.container("two", "write", "-path", "/work/two", "-data", "second", "-require", "/work/one")
	two.Mounts = data
	side := s.container("side", "serve", "-addr", ":9090")
	side.Sidecar = true
	side.Startup = &runtime.Probe{TCPPort: 9090, Period: 100 * time.Millisecond}
	web := s.container("web", "serve")
	web.Mounts = data
	spec := runtime.PodSpec{ID: s.id("init"),
		InitContainers: []runtime.Container{one, side, two},
		Containers:     []runtime.Container{web},
		Volumes:        []runtime.Volume{{Name: "work", Kind: runtime.EmptyDir}},
	}
	s.create(t, spec)
	st := s.start(t, spec.ID)
	base := "http://" + st.IP + ":8080"
	if got := get(t, base+"/file?path=/work/two", 10*time.Second); got != "second" {
		t.Errorf("file of the second init container: %q", got)
	}
	if got := get(t, base+"/fetch?url=http://localhost:9090/", 5*time.Second); got != "200" {
		t.Errorf("sidecar from the container: %q", got)
	}
	st = s.waitFor(t, spec.ID, 10*time.Second, "running", func(st runtime.PodStatus) bool { return st.State == runtime.PodRunning })
	want := map[string]runtime.ContainerState{"one": runtime.ContainerExited, "two": runtime.ContainerExited, "side": runtime.ContainerRunning, "web": runtime.ContainerRunning}
	if len(st.Containers) != len(want) {
		t.Fatalf("status lists %d containers: %+v", len(st.Containers), st.Containers)
	}
	for _, cs := range st.Containers {
		if cs.State != want[cs.Name] || cs.Init != (cs.Name != "web") || (cs.State == runtime.ContainerExited && cs.ExitCode != 0) {
			t.Errorf("container %+v", cs)
		}
	}
	// Stop and start: the init containers run again (a new run).
	ctx := ctxT(t, time.Minute)
	if err := s.rt.Stop(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	st = s.start(t, spec.ID)
	if got := get(t, base+"/file?path=/work/one", 10*time.Second); got != "first" {
		t.Errorf("after restart: %q", got)
	}
}

// testInitFailure: Start reports an init container that fails, and the
// containers do not start.
func (s *suite) testInitFailure(t *testing.T) {
	bad := s.container("migrate", "exit", "-code", "3")
	spec := runtime.PodSpec{ID: s.id("initfail"),
		InitContainers: []runtime.Container{bad},
		Containers:     []runtime.Container{s.container("web", "serve")},
	}
	s.create(t, spec)
	ctx := ctxT(t, time.Minute)
	err := s.rt.Start(ctx, spec.ID)
	if !errors.Is(err, runtime.ErrFailedPrecondition) || !strings.Contains(err.Error(), `"migrate"`) || !strings.Contains(err.Error(), "3") {
		t.Fatalf("Start with a failing init container: %v", err)
	}
	st, err := s.rt.Status(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, cs := range st.Containers {
		if cs.Name == "web" && cs.State != runtime.ContainerCreated {
			t.Errorf("the container started after a failed init: %+v", cs)
		}
		if cs.Name == "migrate" && (cs.State != runtime.ContainerExited || cs.ExitCode != 3) {
			t.Errorf("init container status %+v", cs)
		}
	}
	if st.State == runtime.PodRunning || st.Ready {
		t.Errorf("pod status %+v", st)
	}
}

// testProbes: readiness decides Ready; a failing liveness probe restarts
// the container; an exec probe runs inside the container.
func (s *suite) testProbes(t *testing.T) {
	web := s.container("web", "serve")
	web.Restart = runtime.RestartAlways
	web.Readiness = &runtime.Probe{HTTPGet: &runtime.HTTPGetProbe{Port: 8080, Path: "/ready"}, Period: 200 * time.Millisecond}
	web.Liveness = &runtime.Probe{HTTPGet: &runtime.HTTPGetProbe{Port: 8080, Path: "/healthz"}, Period: 200 * time.Millisecond, FailureThreshold: 2}
	side := s.container("side", "serve", "-addr", ":9090")
	side.Readiness = &runtime.Probe{Exec: []string{"/podtest", "exists", "-path", "/tmp/ok"}, Period: 200 * time.Millisecond}
	side.Liveness = &runtime.Probe{TCPPort: 9090, Period: 200 * time.Millisecond}
	spec := runtime.PodSpec{ID: s.id("probes"), Containers: []runtime.Container{web, side}}
	s.create(t, spec)
	st := s.start(t, spec.ID)
	base := "http://" + st.IP + ":8080"
	get(t, base+"/", 10*time.Second)
	if st, _ := s.rt.Status(context.Background(), spec.ID); st.Ready {
		t.Errorf("ready before its readiness probe passed: %+v", st)
	}
	put(t, base+"/ready", "")
	s.waitFor(t, spec.ID, 10*time.Second, "web ready", func(st runtime.PodStatus) bool {
		return len(st.Containers) == 2 && st.Containers[0].Ready && !st.Containers[1].Ready && !st.Ready
	})
	put(t, "http://"+st.IP+":9090/file?path=/tmp/ok", "")
	s.waitFor(t, spec.ID, 10*time.Second, "pod ready", func(st runtime.PodStatus) bool { return st.Ready })
	put(t, base+"/sick", "")
	s.waitFor(t, spec.ID, 20*time.Second, "a restart after liveness failures", func(st runtime.PodStatus) bool {
		return st.Containers[0].Restarts == 1 && st.Containers[0].State == runtime.ContainerRunning
	})
	// The new process is healthy and not ready until told.
	get(t, base+"/healthz", 10*time.Second)
	if st, _ := s.rt.Status(context.Background(), spec.ID); st.Containers[0].Ready {
		t.Errorf("ready after restart before its probe passed: %+v", st.Containers[0])
	}
	if st, _ := s.rt.Status(context.Background(), spec.ID); st.Containers[1].Restarts != 0 {
		t.Errorf("the healthy container was restarted: %+v", st.Containers[1])
	}
}

// testHostnames: the spec's hostnames resolve to the pod's own address
// inside the pod.
func (s *suite) testHostnames(t *testing.T) {
	spec := runtime.PodSpec{ID: s.id("names"), Hostnames: []string{"db", "cache.internal", "my_svc"},
		Containers: []runtime.Container{s.container("web", "serve")}}
	s.create(t, spec)
	st := s.start(t, spec.ID)
	base := "http://" + st.IP + ":8080"
	get(t, base+"/", 10*time.Second)
	for _, name := range append(spec.Hostnames, spec.ID) {
		if got := get(t, base+"/fetch?url=http://"+name+":8080/", 5*time.Second); got != "200" {
			t.Errorf("%s from inside the pod: %q", name, got)
		}
	}
}

// testSecurity: user, /dev/shm size, read-only root file system.
func (s *suite) testSecurity(t *testing.T) {
	c := s.container("web", "serve")
	c.User = "1000:1001"
	c.ShmSizeMiB = 32
	c.ReadOnlyRootFS = true
	c.CapDrop = []string{"NET_RAW"}
	c.Mounts = []runtime.Mount{{Volume: "tmp", Path: "/tmp"}}
	spec := runtime.PodSpec{ID: s.id("sec"), Containers: []runtime.Container{c},
		Volumes: []runtime.Volume{{Name: "tmp", Kind: runtime.EmptyDir}}}
	s.create(t, spec)
	st := s.start(t, spec.ID)
	base := "http://" + st.IP + ":8080"
	if got := get(t, base+"/id", 10*time.Second); got != "1000 1001" {
		t.Errorf("uid gid = %q", got)
	}
	if got := get(t, base+"/statfs?path=/dev/shm", time.Second); got != "33554432" {
		t.Errorf("/dev/shm size = %q", got)
	}
	put2 := func(path string) int {
		req, _ := http.NewRequest(http.MethodPut, base+"/file?path="+path, strings.NewReader("x"))
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := put2("/etc/x"); code == 200 {
		t.Errorf("wrote into a read-only root file system")
	}
	if code := put2("/tmp/x"); code != 200 {
		t.Errorf("write into a volume on a read-only root: %d", code)
	}
}
