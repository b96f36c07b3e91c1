package provider

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

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
	if mode == "freeze" && !runtime.Supports(w.rt, runtime.FeatureFreeze) {
		// A runtime that cannot freeze refuses the pod by name rather than
		// idling it some other way.
		pctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		_, err := w.client.Provision(pctx, w.provNode.ID(), w.publisher, pod, cid)
		if err == nil || !strings.Contains(err.Error(), "uses freeze, which this runtime does not implement") {
			t.Fatalf("provision of a freezing pod on a runtime without freeze: %v, want a refusal naming freeze", err)
		}
		return
	}
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
	time.Sleep(1500 * time.Millisecond) // let the core take samples of the idle pod
	v1 := w.vector(t, pod.ChannelID)
	time.Sleep(2500 * time.Millisecond)
	v2 := w.vector(t, pod.ChannelID)
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
	w.waitEvents(t, pod, 10*time.Second, EventScaledToZero, EventWoken)
	// An unknown host is not routed anywhere.
	if code, _, _, _ := viaGateway(w, "nobody.pods.test"); code != http.StatusNotFound {
		t.Fatalf("unknown host: %d, want 404", code)
	}
}
