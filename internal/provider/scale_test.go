package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

const scaleToZeroManifest = `apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: sleepy
spec:
  containers:
  - name: web
    image: podtest:latest
    args: ["serve", "-addr", ":8080"]
    ports:
    - containerPort: 8080
      expose: http
    resources:
      cpu: 250m
      memory: 64Mi
      storage: 64Mi
  scale:
    min: 0
    max: 1
    idleTimeout: 1s
`

func withGateway(c *Config) {
	c.Gateway = &gateway.Config{HTTPAddr: "127.0.0.1:0", Domain: "pods.test", SweepInterval: 100 * time.Millisecond}
}

// viaGateway sends a request for host through the provider's gateway.
func viaGateway(w *world, host string) (int, string, time.Duration, error) {
	req, _ := http.NewRequest("GET", "http://"+w.prov.Gateway().HTTPAddr().String()+"/", nil)
	req.Host = host
	c := http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), time.Since(start), nil
}

// TestProviderScaleToZero idles a pod to zero in each scale.idle mode and
// wakes it with a request. Stopped: reserved CPU and memory stop counting;
// frozen: reserved memory goes on (it is held), reserved CPU does not.
func TestProviderScaleToZero(t *testing.T) {
	for _, mode := range []string{"stop", "freeze"} {
		t.Run(mode, func(t *testing.T) {
			testScaleToZero(t, mode)
		})
	}
}

func testScaleToZero(t *testing.T, mode string) {
	w := newWorld(t, withGateway)
	ctx := context.Background()
	pod := w.channel(t, 50_000_000, 8)
	cid := w.publishManifest(t, pod, strings.Replace(scaleToZeroManifest, "idleTimeout: 1s", "idleTimeout: 1s\n    idle: "+mode, 1))
	st := w.provision(t, pod, cid)
	if len(st.Endpoints) == 0 || !strings.HasPrefix(st.Endpoints[0].Address, "http://") {
		t.Fatalf("endpoints %+v", st.Endpoints)
	}
	host := st.Endpoints[0].Name
	rtID := runtimeID(pod.ChannelID)
	idle := map[string]runtime.PodState{"stop": runtime.PodStopped, "freeze": runtime.PodFrozen}[mode]

	// Idle for its timeout: scaled to zero; storage goes on counting.
	waitFor(t, 10*time.Second, "the idle pod to scale to zero", func() bool {
		s, err := w.rt.Status(ctx, rtID)
		return err == nil && s.State == idle
	})
	time.Sleep(1500 * time.Millisecond) // let the meter take samples of the idle pod
	v1, _, err := w.prov.metering.Vector(ctx, rtID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	v2, _, _ := w.prov.metering.Vector(ctx, rtID)
	if v2[usage.CPUReserved] != v1[usage.CPUReserved] {
		t.Fatalf("reserved cpu advanced while scaled to zero: %v → %v", v1, v2)
	}
	if held := v2[usage.MemoryReserved] > v1[usage.MemoryReserved]; held != (mode == "freeze") {
		t.Fatalf("reserved memory advanced %v while %s (%v → %v): it should exactly while frozen", held, idle, v1, v2)
	}
	if v2[usage.StorageReserved] <= v1[usage.StorageReserved] {
		t.Fatalf("reserved storage stopped while the data is kept: %v → %v", v1, v2)
	}
	st, _ = w.client.Status(ctx, w.provNode.ID(), w.publisher, pod)
	if st.State != p2p.PodScaledToZero {
		t.Fatalf("status %v, want scaled to zero", st.State)
	}

	// The next request wakes it and is answered.
	code, _, took, err := viaGateway(w, host)
	if err != nil || code != 200 {
		t.Fatalf("request to the scaled-to-zero pod: %d %v", code, err)
	}
	t.Logf("woken and answered in %v", took)
	if s, _ := w.rt.Status(ctx, rtID); s.State != runtime.PodRunning {
		t.Fatalf("woken pod: %s", s.State)
	}
	// An unknown host is not routed anywhere.
	if code, _, _, _ := viaGateway(w, "nobody.pods.test"); code != http.StatusNotFound {
		t.Fatalf("unknown host: %d, want 404", code)
	}
}

// TestWakeFromZeroFigures runs 50 wakes (TPOD_WAKES to change) and reports
// p50 and p99; it is a measurement, not a timed test, and runs only when
// TPOD_BENCH is set (scripts/bench.sh).
func TestWakeFromZeroFigures(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("a benchmark: set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	w := newWorld(t, withGateway)
	ctx := context.Background()
	pod := w.channel(t, 500_000_000, 8)
	cid := w.publishManifest(t, pod, scaleToZeroManifest)
	st := w.provision(t, pod, cid)
	host := st.Endpoints[0].Name
	rtID := runtimeID(pod.ChannelID)
	n := 50
	var took []time.Duration
	for i := 0; i < n; i++ {
		waitFor(t, 15*time.Second, "scale to zero", func() bool {
			s, err := w.rt.Status(ctx, rtID)
			return err == nil && s.State == runtime.PodStopped
		})
		code, _, d, err := viaGateway(w, host)
		if err != nil || code != 200 {
			t.Fatalf("wake %d: %d %v", i, code, err)
		}
		took = append(took, d)
	}
	slices.Sort(took)
	p50, p99 := took[len(took)/2], took[len(took)*99/100]
	t.Logf("wake from zero on containerd through the gateway, %d wakes: p50 %v, p99 %v", n, p50, p99)
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		body := fmt.Sprintf(`Measured %s on %s, by `+"`TPOD_BENCH=1 go test ./internal/provider -run TestWakeFromZeroFigures`"+` (scripts/bench.sh; needs root and the test containerd).

A pod with `+"`scale.min: 0`"+` on containerd (runc), deployed by the provider and routed by its gateway; each round waits until the gateway stopped it for idleness (its network namespace is kept), then times one request from the client through the gateway: the gateway holds it, the provider starts the pod's task, the gateway waits for the port and forwards.

| wakes | p50 | p99 | max | goal |
|---|---|---|---|---|
| %d | %v | %v | %v | p50 ≤ 250 ms, p99 ≤ 500 ms: %s |
`, time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchdoc.Machine(), n, p50.Round(time.Millisecond), p99.Round(time.Millisecond),
			took[len(took)-1].Round(time.Millisecond), verdict(p50 <= 250*time.Millisecond && p99 <= 500*time.Millisecond))
		if err := benchdoc.WriteSection("## Wake from zero on containerd", body); err != nil {
			t.Fatal(err)
		}
	}
}

func verdict(ok bool) string {
	if ok {
		return "meets the goal"
	}
	return "**misses the goal**"
}
