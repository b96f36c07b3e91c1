package containerd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
	"github.com/trustedpods/tpod/internal/runtime/runtimetest"
	"github.com/trustedpods/tpod/internal/testimage"
)

// testConfig returns the config of the private containerd that
// scripts/testenv-containerd.sh started, or skips (fails under CI=true).
func testConfig(t testing.TB, name string) Config {
	t.Helper()
	e := containerdtest.Require(t, name)
	subnet := os.Getenv("TPOD_TEST_SUBNET")
	if subnet == "" {
		subnet = "172.30.213.0/24"
	}
	return Config{
		Address:    e.Address,
		Namespace:  e.Namespace,
		DataDir:    e.DataDir,
		StateDir:   e.StateDir,
		Network:    NetworkConfig{Name: e.Network, Bridge: e.Bridge, Subnet: subnet},
		GPUDevices: []string{},
		Logger:     containerdtest.Logger(t, slog.LevelWarn),
		// runc unless a test asks for gVisor (the default of New).
		Sandbox: SandboxRunc,
	}
}

// newTestRuntime returns a runtime and deletes pods an earlier, interrupted
// run left behind.
func newTestRuntime(t testing.TB, cfg Config) *Runtime {
	t.Helper()
	r, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		removeTestNetwork(t, cfg.Network)
	})
	return r
}

var cleanOnce sync.Map

func cleanStale(t testing.TB, r *Runtime) {
	if _, done := cleanOnce.LoadOrStore(r.cfg.Namespace, true); done {
		return
	}
	pods, err := r.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods {
		t.Logf("deleting stale pod %s", p.Spec.ID)
		if err := r.Delete(context.Background(), p.Spec.ID, 0); err != nil {
			t.Logf("delete stale %s: %v", p.Spec.ID, err)
		}
	}
}

func TestConformance(t *testing.T) {
	cfg := testConfig(t, "runc")
	runtimetest.Run(t, func(t *testing.T) runtime.Runtime {
		r := newTestRuntime(t, cfg)
		cleanStale(t, r)
		return r
	})
}

func TestGPURefusedWithoutGPU(t *testing.T) {
	cfg := testConfig(t, "runc")
	r := newTestRuntime(t, cfg)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	spec := runtime.PodSpec{ID: "gpu-pod", Containers: []runtime.Container{{
		Name: "cuda", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest},
		Resources: runtime.Resources{GPUs: 1},
	}}}
	err = r.Create(context.Background(), spec)
	if !errors.Is(err, runtime.ErrUnavailable) || !strings.Contains(err.Error(), "no GPU") {
		t.Fatalf("Create with a GPU on a host without one: %v, want ErrUnavailable naming the missing GPU", err)
	}
	if _, err := r.Status(context.Background(), spec.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("refused pod exists: %v", err)
	}
}

func TestGPUPool(t *testing.T) {
	dir := t.TempDir()
	var devs []string
	for i := range 2 {
		p := filepath.Join(dir, fmt.Sprintf("nvidia%d", i))
		os.WriteFile(p, nil, 0o600)
		devs = append(devs, p)
	}
	p, err := newGPUPool(devs)
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.allocate("a", 1)
	if err != nil || len(a) != 1 {
		t.Fatal(a, err)
	}
	if _, err := p.allocate("b", 2); !errors.Is(err, runtime.ErrUnavailable) {
		t.Fatalf("over-allocation: %v", err)
	}
	if got := p.devicesFor("a", a, 1); len(got) != 1 || got[0] != devs[0] {
		t.Fatalf("devices %v", got)
	}
	p.release("a")
	if b, err := p.allocate("b", 2); err != nil || len(b) != 2 {
		t.Fatal(b, err)
	}
}

func TestStorageLimitEnforced(t *testing.T) {
	cfg := testConfig(t, "runc")
	r := newTestRuntime(t, cfg)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	spec := runtime.PodSpec{ID: "storage-hog", Containers: []runtime.Container{{
		Name: "fill", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest},
		Args:      []string{"fill", "-path", "/var/big", "-mib", "24"},
		Resources: runtime.Resources{StorageMiB: 8, MemoryMiB: 64},
	}}}
	ctx := context.Background()
	r.Delete(ctx, spec.ID, 0)
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(ctx, spec.ID, 0)
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		u, err := r.Usage(ctx, spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := r.Status(ctx, spec.ID)
		if st.Reason == runtime.ReasonStorageLimit {
			if st.State != runtime.PodStopped || u.Running {
				t.Fatalf("over-limit pod still runs: %+v", st)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("pod writing 24 MiB with an 8 MiB storage limit was not stopped")
}

func TestGVisorServesHTTP(t *testing.T) {
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	requireRunsc(t)
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	spec := runtime.PodSpec{ID: fmt.Sprintf("gv-%d", time.Now().UnixNano()%100000), Containers: []runtime.Container{{
		Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest},
		Args: []string{"serve"}, Resources: runtime.Resources{CPUMillis: 500, MemoryMiB: 128},
	}}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Delete(ctx, spec.ID, time.Second); err != nil {
			t.Error(err)
		}
		if leaks, _ := r.Leaks(ctx); len(leaks) > 0 {
			t.Errorf("gVisor pod left: %v", leaks)
		}
	}()
	t0 := time.Now()
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	st, err := r.Status(ctx, spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, err := waitHTTP(ctx, "http://"+st.IP+":8080/")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gVisor pod answered %q %v after start", strings.TrimSpace(body), time.Since(t0))
	u, err := r.Usage(ctx, spec.ID)
	if err != nil || !u.Running {
		t.Errorf("usage under gVisor: %+v %v", u, err)
	}
	t.Logf("gVisor usage: %+v", u)
}

// TestNetworkRecreatedAfterReboot removes a stopped pod's network namespace
// (as a reboot does, /run being tmpfs) and starts it again.
func TestNetworkRecreatedAfterReboot(t *testing.T) {
	cfg := testConfig(t, "runc")
	r := newTestRuntime(t, cfg)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	spec := runtime.PodSpec{ID: fmt.Sprintf("reboot-%d", time.Now().UnixNano()%100000), Containers: []runtime.Container{{
		Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
	}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(context.Background(), spec.ID, 0)
	st, err := r.load(spec.ID)
	if err != nil {
		t.Fatal(err)
	}
	// What a reboot leaves: no namespace (its CNI allocation is on disk).
	if err := r.net.teardown(ctx, spec.ID, st.NetNS); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	ps, _ := r.Status(ctx, spec.ID)
	if _, err := waitHTTP(ctx, "http://"+ps.IP+":8080/"); err != nil {
		t.Fatal(err)
	}
	if err := r.Delete(ctx, spec.ID, time.Second); err != nil {
		t.Fatal(err)
	}
	if leaks, _ := r.Leaks(ctx); len(leaks) > 0 {
		t.Errorf("left behind: %v", leaks)
	}
}

// TestPodsIsolatedFromEachOther: pod A cannot reach pod B on the bridge; the
// host can reach both, and a pod reaches its own address (hairpin).
func TestPodsIsolatedFromEachOther(t *testing.T) {
	cfg := testConfig(t, "runc")
	r := newTestRuntime(t, cfg)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ips := map[string]string{}
	for _, name := range []string{"a", "b"} {
		spec := runtime.PodSpec{ID: fmt.Sprintf("iso-%s-%d", name, time.Now().UnixNano()%100000), Containers: []runtime.Container{{
			Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
		}}}
		if err := r.Create(ctx, spec); err != nil {
			t.Fatal(err)
		}
		defer r.Delete(context.Background(), spec.ID, 0)
		if err := r.Start(ctx, spec.ID); err != nil {
			t.Fatal(err)
		}
		st, _ := r.Status(ctx, spec.ID)
		ips[name] = st.IP
		if _, err := waitHTTP(ctx, "http://"+st.IP+":8080/"); err != nil {
			t.Fatal(err)
		}
	}
	fetch := func(from, to string) string {
		c := &http.Client{Timeout: 5 * time.Second}
		target := to
		if ip, ok := ips[to]; ok {
			target = ip + ":8080"
		}
		resp, err := c.Get("http://" + ips[from] + ":8080/fetch?url=http://" + target + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b)
	}
	if got := fetch("a", "b"); !strings.HasPrefix(got, "502") {
		t.Errorf("pod a reached pod b: %s", got)
	}
	if got := fetch("a", "a"); !strings.HasPrefix(got, "200") {
		t.Errorf("pod a cannot reach itself: %s", got)
	}
	// The host's own services are out of reach: a listener of the test on
	// the bridge address.
	gw := ips["a"][:strings.LastIndexByte(ips["a"], '.')] + ".1"
	ln, err := net.Listen("tcp", gw+":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	if got := fetch("a", ln.Addr().String()); !strings.HasPrefix(got, "502") {
		t.Errorf("pod reached a host service at %s: %s", ln.Addr(), got)
	}
}

// requireRunsc skips a gVisor test where runsc is missing, except in CI,
// which installs it.
func requireRunsc(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/runsc"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("runsc not installed")
		}
		t.Skip("runsc not installed")
	}
}
