package containerd

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

func TestIdleFreezeRunc(t *testing.T) {
	testIdleFreeze(t, testConfig(t, "runc"))
}

func TestIdleFreezeGVisor(t *testing.T) {
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	requireRunsc(t)
	testIdleFreeze(t, cfg)
}

// testIdleFreeze idles a pod with IdleFreeze: it is frozen (the same
// process, not answering, no CPU, metered as frozen), thawed by Start, and
// a frozen pod stops on SIGTERM and deletes cleanly.
func testIdleFreeze(t *testing.T, cfg Config) {
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	spec := runtime.PodSpec{ID: fmt.Sprintf("freeze-%d", time.Now().UnixNano()%100000), Idle: runtime.IdleFreeze,
		Containers: []runtime.Container{{
			Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest},
			Args: []string{"serve"}, Resources: runtime.Resources{CPUMillis: 500, MemoryMiB: 128},
		}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Delete(context.Background(), spec.ID, time.Second); err != nil {
			t.Error(err)
		}
		if leaks, _ := r.Leaks(context.Background()); len(leaks) > 0 {
			t.Errorf("left behind: %v", leaks)
		}
	}()
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	st, _ := r.Status(ctx, spec.ID)
	base := "http://" + st.IP + ":8080"
	// The process's start time (field 22 of /proc/self/stat) tells the
	// same process from a new one.
	started := func() string {
		t.Helper()
		body, err := waitHTTP(ctx, base+"/file?path=/proc/self/stat")
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(body[strings.LastIndexByte(body, ')')+2:])
		return f[19]
	}
	before := started()

	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if st, _ := r.Status(ctx, spec.ID); st.State != runtime.PodFrozen || st.Containers[0].State != runtime.ContainerFrozen {
		t.Fatalf("idled pod: %s, container %s; want frozen", st.State, st.Containers[0].State)
	}
	c := &http.Client{Timeout: 300 * time.Millisecond}
	if resp, err := c.Get(base + "/"); err == nil {
		resp.Body.Close()
		t.Fatal("a frozen pod answered")
	}
	u1 := usageOf(t, r, spec.ID)
	time.Sleep(500 * time.Millisecond)
	u2 := usageOf(t, r, spec.ID)
	if !u2.Frozen || u2.Running || u2.MemoryWorkingSetBytes == 0 {
		t.Fatalf("frozen pod metered as %+v; want frozen, not running, with its memory", u2)
	}
	if u2.CPUNanos != u1.CPUNanos || u2.Since != u1.Since {
		t.Errorf("CPU of a frozen pod went from %d to %d (since %v → %v)", u1.CPUNanos, u2.CPUNanos, u1.Since, u2.Since)
	}
	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil { // a no-op
		t.Fatal(err)
	}

	t0 := time.Now()
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := waitHTTP(ctx, base+"/"); err != nil {
		t.Fatal(err)
	}
	t.Logf("thawed and answering after %v", time.Since(t0))
	if after := started(); after != before {
		t.Fatalf("thawed process started at %s, the frozen one at %s: not the same process", after, before)
	}
	if u := usageOf(t, r, spec.ID); !u.Running || u.Frozen || u.Since != u1.Since || u.CPUNanos < u1.CPUNanos {
		t.Fatalf("thawed pod metered as %+v; want the same run going on", u)
	}

	// Stopping a frozen pod thaws it first: its process takes SIGTERM and
	// exits (podtest does) long before the grace period's SIGKILL.
	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	if err := r.Stop(ctx, spec.ID, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("stopping a frozen pod took %v: its SIGTERM was not seen", d)
	}
	st, _ = r.Status(ctx, spec.ID)
	if st.State != runtime.PodStopped || st.Containers[0].ExitCode != 0 {
		t.Fatalf("stopped frozen pod: %+v", st)
	}
	if u := usageOf(t, r, spec.ID); u.Frozen || u.Running {
		t.Fatalf("stopped pod metered as %+v", u)
	}

	// Deleting a frozen pod.
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := waitHTTP(ctx, base+"/"); err != nil {
		t.Fatal(err)
	}
	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestIdleStopRunc(t *testing.T) {
	testIdleStop(t, testConfig(t, "runc"))
}

func TestIdleStopGVisor(t *testing.T) {
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	requireRunsc(t)
	testIdleStop(t, cfg)
}

// testIdleStop: without IdleFreeze, Idle stops the pod and parks its next
// task: the pod is stopped (with its run's exit) and metered as stopped,
// a Start runs a new process from the parked task, and a parked pod stops
// and deletes at once.
func testIdleStop(t *testing.T, cfg Config) {
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	spec := runtime.PodSpec{ID: fmt.Sprintf("idlestop-%d", time.Now().UnixNano()%100000), Containers: []runtime.Container{{
		Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
		Resources: runtime.Resources{CPUMillis: 500, MemoryMiB: 128},
	}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := r.Delete(context.Background(), spec.ID, time.Second); err != nil {
			t.Error(err)
		}
		if leaks, _ := r.Leaks(context.Background()); len(leaks) > 0 {
			t.Errorf("left behind: %v", leaks)
		}
	}()
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	st, _ := r.Status(ctx, spec.ID)
	base := "http://" + st.IP + ":8080"
	started := func() string {
		t.Helper()
		body, err := waitHTTP(ctx, base+"/file?path=/proc/self/stat")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Fields(body[strings.LastIndexByte(body, ')')+2:])[19]
	}
	before := started()
	u0 := usageOf(t, r, spec.ID)

	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	st, _ = r.Status(ctx, spec.ID)
	if st.State != runtime.PodStopped || st.Containers[0].State != runtime.ContainerExited || st.Containers[0].ExitCode != 0 {
		t.Fatalf("idled pod: %+v; want stopped, its container exited 0 (SIGTERM)", st)
	}
	if !r.cgroups.HasProcesses(cfg.Namespace, containerID(spec.ID, "web")) {
		t.Fatal("no task parked for the next start")
	}
	// The signing core reads the marker (its tasks are no run).
	marker := filepath.Join(r.podDir(spec.ID), runtime.ParkingMarker)
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("parked pod without its parking marker: %v", err)
	}
	if u := usageOf(t, r, spec.ID); u.Running || u.Frozen || u.CPUNanos != 0 || u.MemoryWorkingSetBytes != 0 {
		t.Fatalf("parked pod metered as %+v; want stopped", u)
	}
	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil { // a no-op
		t.Fatal(err)
	}

	t0 := time.Now()
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := waitHTTP(ctx, base+"/"); err != nil {
		t.Fatal(err)
	}
	t.Logf("parked task started and answering after %v", time.Since(t0))
	// Under gVisor a process's start time counts from its sandbox's boot,
	// and a parked sandbox may boot as long before its app starts as the
	// first one did (the same tick): there the new run below tells.
	if after := started(); after == before && cfg.Sandbox != SandboxGVisor {
		t.Fatal("the woken pod runs the old process")
	}
	if u := usageOf(t, r, spec.ID); !u.Running || !u.Since.After(u0.Since) || u.CPUNanos == 0 {
		t.Fatalf("woken pod metered as %+v; want a new run", u)
	}
	if _, err := os.Stat(marker); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("woken pod keeps its parking marker: %v", err)
	}

	// A parked pod stops without waiting for a grace period (nothing runs
	// in its tasks to take a SIGTERM) and keeps its last run's exit.
	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	if err := r.Stop(ctx, spec.ID, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("stopping a parked pod took %v", d)
	}
	if r.cgroups.HasProcesses(cfg.Namespace, containerID(spec.ID, "web")) {
		t.Fatal("stopped pod keeps its parked task")
	}
	if _, err := os.Stat(marker); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stopped pod keeps its parking marker: %v", err)
	}
	if st, _ := r.Status(ctx, spec.ID); st.State != runtime.PodStopped || st.Containers[0].ExitCode != 0 {
		t.Fatalf("stopped parked pod: %+v", st)
	}
	// Parked again for the deferred Delete.
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := waitHTTP(ctx, base+"/"); err != nil {
		t.Fatal(err)
	}
	if err := r.Idle(ctx, spec.ID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

// usageOf is the pod's usage as the meter reads it (UsageAll), checked
// against Usage.
func usageOf(t *testing.T, r *Runtime, id string) runtime.Usage {
	t.Helper()
	all, err := r.UsageAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, ok := all[id]
	if !ok {
		t.Fatalf("pod %s not in UsageAll", id)
	}
	one, err := r.Usage(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if one.Running != u.Running || one.Frozen != u.Frozen {
		t.Errorf("Usage says running %v frozen %v, UsageAll %v %v", one.Running, one.Frozen, u.Running, u.Frozen)
	}
	return u
}

// TestReusedAddressReachable: a new pod whose address the host still maps
// to another (gone) interface's MAC — what a reused address leaves — is
// reachable at once. The host would otherwise send to the stale MAC until
// neighbor discovery gave up (about 11 s of SYN retransmits, measured).
func TestReusedAddressReachable(t *testing.T) {
	cfg := testConfig(t, "runc")
	r := newTestRuntime(t, cfg)
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	newSpec := func(name string) runtime.PodSpec {
		return runtime.PodSpec{ID: fmt.Sprintf("%s-%d", name, time.Now().UnixNano()%100000), Containers: []runtime.Container{{
			Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
		}}}
	}
	// A first pod brings the network (its bridge) up.
	first := newSpec("reuse-a")
	if err := r.Create(ctx, first); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(context.Background(), first.ID, 0)
	// Every free address of the subnet gets a stale entry to a MAC that
	// nothing has, as a deleted pod's address keeps its old one.
	prefix, err := netip.ParsePrefix(cfg.Network.Subnet)
	if err != nil {
		t.Fatal(err)
	}
	known, _ := exec.Command("ip", "neigh", "show", "dev", cfg.Network.Bridge).Output()
	var batch strings.Builder
	for a := prefix.Masked().Addr().Next().Next(); prefix.Contains(a); a = a.Next() {
		if !strings.Contains(string(known), a.String()+" ") {
			fmt.Fprintf(&batch, "neigh replace %s lladdr 02:00:5e:10:00:01 dev %s nud stale\n", a, cfg.Network.Bridge)
		}
	}
	cmd := exec.Command("ip", "-batch", "-")
	cmd.Stdin = strings.NewReader(batch.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip -batch: %v %s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("ip", "neigh", "flush", "dev", cfg.Network.Bridge, "lladdr", "02:00:5e:10:00:01").Run()
	})

	spec := newSpec("reuse-b")
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(context.Background(), spec.ID, 0)
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatal(err)
	}
	st, _ := r.Status(ctx, spec.ID)
	wctx, wcancel := context.WithTimeout(ctx, 3*time.Second)
	defer wcancel()
	if _, err := waitHTTP(wctx, "http://"+st.IP+":8080/"); err != nil {
		t.Fatalf("a pod on a reused address is not reachable: %v", err)
	}
}

// TestConcurrentImports: pods of one new image created at the same time
// (20 publishers deploying the same app) all get it; containerd's importer
// lets only one create it.
func TestConcurrentImports(t *testing.T) {
	r := newTestRuntime(t, testConfig(t, "runc"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A new image each run: a file of random bytes.
	bin := filepath.Join(t.TempDir(), "blob")
	noise := make([]byte, 64<<10)
	rand.Read(noise)
	if err := os.WriteFile(bin, noise, 0o755); err != nil {
		t.Fatal(err)
	}
	img, err := testimage.FromBinary(bin, "/blob", nil)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := testimage.WriteLayoutTar(archive, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	defer r.client.ImageService().Delete(context.Background(), imagePrefix+d.String())
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			if _, err := r.ensureImage(r.ctx(ctx), runtime.Image{Archive: archive, Digest: d.String()}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
