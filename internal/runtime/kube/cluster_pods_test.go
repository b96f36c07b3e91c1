package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// podtest returns a container of the podtest image serving on 8080.
func podtest(t testing.TB, name string, args ...string) runtime.Container {
	t.Helper()
	img, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	return runtime.Container{
		Name:      name,
		Image:     runtime.Image{Archive: img.Archive, Digest: img.Digest},
		Args:      args,
		Ports:     []runtime.Port{{ContainerPort: 8080}},
		Resources: runtime.Resources{CPUMillis: 500, MemoryMiB: 64, StorageMiB: 64},
	}
}

// runPod creates and starts spec on r, deleting it when the test ends, and
// returns its address.
func runPod(t *testing.T, r *Runtime, spec runtime.PodSpec) string {
	t.Helper()
	ctx := clusterCtx(t, 3*time.Minute)
	if err := r.Create(ctx, spec); err != nil {
		t.Fatalf("create %s: %v", spec.ID, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := r.Delete(ctx, spec.ID, time.Second); err != nil && !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("delete %s: %v", spec.ID, err)
		}
	})
	if err := r.Start(ctx, spec.ID); err != nil {
		t.Fatalf("start %s: %v", spec.ID, err)
	}
	st, err := r.Status(ctx, spec.ID)
	if err != nil || st.State != runtime.PodRunning || st.IP == "" {
		t.Fatalf("status %+v %v", st, err)
	}
	return st.IP
}

// replicaIP is the pod IP of pod id's replica (Status reports the Service's).
func replicaIP(t *testing.T, r *Runtime, id string) string {
	t.Helper()
	ctx := clusterCtx(t, time.Minute)
	ns, err := r.Namespace(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	pods, err := clusterAdmin.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.Set{LabelPod: id}.String()})
	if err != nil || len(pods.Items) == 0 || pods.Items[0].Status.PodIP == "" {
		t.Fatalf("replica of %s: %v %v", id, pods, err)
	}
	return pods.Items[0].Status.PodIP
}

// httpGet polls url until it answers 200 and returns the body.
func httpGet(t testing.TB, url string, timeout time.Duration) string {
	t.Helper()
	c := &http.Client{Timeout: 3 * time.Second}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		resp, err := c.Get(url)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(b)
			}
			err = fmt.Errorf("%s: %s", resp.Status, b)
		}
		last = err
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("GET %s: %v", url, last)
	return ""
}

// TestClusterIsolation: the bridge CNI ignores NetworkPolicy, so the test
// cluster isolates pods with its node firewall (testenv-cluster.sh): a pod
// is reachable from the node (the provider's gateway) but reaches no other
// pod, no Service address and not the node itself.
func TestClusterIsolation(t *testing.T) {
	needRealCluster(t)
	r := newClusterRuntime(t, Config{Instance: "isolation", Images: clusterRegistry(t)})
	a := runtime.PodSpec{ID: "iso-a", Containers: []runtime.Container{podtest(t, "web", "serve")}}
	b := runtime.PodSpec{ID: "iso-b", Containers: []runtime.Container{podtest(t, "web", "serve")}}
	aIP, bIP := runPod(t, r, a), runPod(t, r, b)
	httpGet(t, "http://"+aIP+":8080/", 20*time.Second)
	httpGet(t, "http://"+bIP+":8080/", 20*time.Second)
	bPod := replicaIP(t, r, b.ID)
	fetch := func(target string) string {
		resp, err := http.Get("http://" + aIP + ":8080/fetch?url=" + target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(body))
	}
	// The probe works: a pod reaches itself.
	if got := fetch("http://127.0.0.1:8080/"); got != "200" {
		t.Fatalf("pod fetching itself: %q", got)
	}
	for _, target := range []string{
		"http://" + bPod + ":8080/",  // another pod
		"http://" + bIP + ":8080/",   // its Service
		"http://172.30.240.1:10250/", // the node's kubelet
		"http://172.30.240.1:26443/", // the node's other ports
	} {
		if got := fetch(target); got == "200" || !strings.Contains(got, "refused") && !strings.Contains(got, "unreachable") && !strings.Contains(got, "timeout") {
			t.Errorf("pod a fetching %s: %q, want the connection refused", target, got)
		}
	}
}

// TestClusterMetering checks the kubelet-summary metering against what the
// pod does: CPU time within 3 % of what the process measured itself, the
// writable layer after writing 1 MiB, egress after sending 1 MiB.
func TestClusterMetering(t *testing.T) {
	needRealCluster(t)
	r := newClusterRuntime(t, Config{Instance: "metering", Images: clusterRegistry(t)})
	spec := runtime.PodSpec{ID: "meter", Containers: []runtime.Container{podtest(t, "burn", "burn", "-threads", "2")}}
	ip := runPod(t, r, spec)
	base := "http://" + ip + ":8080"
	ctx := clusterCtx(t, 2*time.Minute)
	inside := func() uint64 {
		var n uint64
		fmt.Sscan(httpGet(t, base+"/cpu", 20*time.Second), &n)
		return n
	}
	usage := func() runtime.Usage {
		u, err := r.Usage(ctx, spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	inside()
	u0, c0 := usage(), inside()
	time.Sleep(6 * time.Second)
	u1, c1 := usage(), inside()
	metered, measured := float64(u1.CPUNanos-u0.CPUNanos), float64(c1-c0)
	cores := metered / float64(u1.Time.Sub(u0.Time).Nanoseconds())
	t.Logf("CPU: %.3f cores metered at a 500m limit; metered/measured inside = %.4f", cores, metered/measured)
	if ratio := metered / measured; ratio < 0.97 || ratio > 1.03 {
		t.Errorf("metered %.0f ns of CPU, the pod measured %.0f ns: off by more than 3 %%", metered, measured)
	}
	if cores > 0.55 {
		t.Errorf("%.3f cores with a 500m limit", cores)
	}
	if u1.MemoryWorkingSetBytes == 0 || !u1.Running || u1.Since.IsZero() {
		t.Errorf("usage %+v", u1)
	}
	// UsageAll (what the meter calls) agrees and continues the counters.
	all, err := r.UsageAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := all[spec.ID]; !ok || !a.Running || a.CPUNanos < u1.CPUNanos || a.Since != u1.Since || a.Reserved != u1.Reserved {
		t.Errorf("UsageAll %+v, Usage %+v", a, u1)
	}

	// 1 MiB (what podtest takes) into the writable layer; containerd
	// refreshes the snapshot sizes it reports every 10 s.
	req, _ := http.NewRequest(http.MethodPut, base+"/file?path=/var/blob", strings.NewReader(strings.Repeat("x", 1<<20)))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("write: %v %v", resp, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for u := usage(); u.WritableBytes < 1<<20; u = usage() {
		if time.Now().After(deadline) {
			t.Fatalf("writable layer %d bytes after writing 1 MiB", u.WritableBytes)
		}
		time.Sleep(time.Second)
	}

	e0 := usage().EgressBytes
	httpGet(t, base+"/send?n=1048576", 10*time.Second)
	deadline = time.Now().Add(30 * time.Second)
	var e1 uint64
	for e1 = usage().EgressBytes; e1-e0 < 1<<20; e1 = usage().EgressBytes {
		if time.Now().After(deadline) {
			t.Fatalf("egress grew by %d bytes after sending 1 MiB", e1-e0)
		}
		time.Sleep(time.Second)
	}
	if e1-e0 > 1200<<10 {
		t.Errorf("egress grew by %d bytes after sending 1 MiB", e1-e0)
	}
	// Egress survives a stop (a new replica's counter starts at zero).
	if err := r.Stop(ctx, spec.ID, time.Second); err != nil {
		t.Fatal(err)
	}
	if u := usage(); u.EgressBytes < e1 || u.Running {
		t.Errorf("after stop: %+v, want egress ≥ %d", u, e1)
	}
}

// TestClusterGVisor runs a pod under the gvisor RuntimeClass (runsc through
// containerd-shim-runsc-v1).
func TestClusterGVisor(t *testing.T) {
	needRealCluster(t)
	r := newClusterRuntime(t, Config{Instance: "gvisor", RuntimeClass: "gvisor", Images: clusterRegistry(t)})
	spec := runtime.PodSpec{ID: "gvisor", Containers: []runtime.Container{podtest(t, "web", "serve")}}
	ip := runPod(t, r, spec)
	if body := httpGet(t, "http://"+ip+":8080/", 30*time.Second); !strings.HasPrefix(body, "ok ") {
		t.Fatalf("GET / = %q", body)
	}
	// The replica ran under the class (the kubelet fails a pod whose
	// handler containerd lacks).
	ctx := clusterCtx(t, time.Minute)
	ns, _ := r.Namespace(ctx, spec.ID)
	pods, err := clusterAdmin.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(pods.Items) != 1 || pods.Items[0].Spec.RuntimeClassName == nil || *pods.Items[0].Spec.RuntimeClassName != "gvisor" {
		t.Fatalf("replica not under gvisor: %v %v", pods, err)
	}
	if err := r.Stop(ctx, spec.ID, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if st, err := r.Status(ctx, spec.ID); err != nil || st.State != runtime.PodStopped {
		t.Errorf("after stop: %+v %v", st, err)
	}
}
