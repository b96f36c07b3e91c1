package faults

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/client"

	"github.com/trustedpods/tpod/internal/fault"
)

// restartWith stops the provider (SIGTERM) and starts it again with env.
func (p *providerProc) restartWith(t *testing.T, env ...string) {
	t.Helper()
	if p.running() {
		p.signal(t, syscall.SIGTERM)
	}
	p.start(t, env...)
	p.waitReady(t, time.Minute)
}

// runtimeID is the provider's runtime name of a channel's pod.
func runtimeID(channel [32]byte) string { return "tp-" + hex.EncodeToString(channel[:16]) }

// checkRuntimePods asserts that the provider's runtime holds exactly the
// pods of deps, one container set each, and nothing else of any pod.
func (n *network) checkRuntimePods(t *testing.T, deps []*deployment) {
	t.Helper()
	want := map[string]bool{}
	for _, d := range deps {
		want[runtimeID(d.Channel)] = true
	}
	if l := n.prov.leaks(t, want); len(l) > 0 {
		t.Errorf("left in the runtime besides the deployed pods:\n  %s", strings.Join(l, "\n  "))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.New(n.prov.containerdSocket(), client.WithDefaultNamespace(n.prov.namespace))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	conts, err := c.Containers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, ct := range conts {
		pod, _, _ := strings.Cut(ct.ID(), ".")
		per[pod]++
	}
	for id := range want {
		if per[id] != 1 {
			t.Errorf("pod %s has %d containers, want 1", id, per[id])
		}
	}
	for id, k := range per {
		if !want[id] {
			t.Errorf("the runtime runs %d container(s) of pod %s, which no deployment has", k, id)
		}
	}
}

// failedRecord returns the publisher's deployment that is not provisioned.
func (pb *publisher) failedRecord(t *testing.T) record {
	t.Helper()
	for _, r := range pb.records(t) {
		if r.Step != "provisioned" && !pb.known(r.ID) {
			return r
		}
	}
	t.Fatalf("no unfinished deployment in %s", pb.stateDir)
	return record{}
}

// podStatus is `tpod pod status --output json`, the part the tests read.
type podStatus struct {
	State       string `json:"state"`
	Message     string `json:"message"`
	BundleCID   string `json:"bundleCid"`
	Unreachable string `json:"unreachable"`
	Containers  []struct {
		Name     string `json:"name"`
		State    string `json:"state"`
		Restarts uint32 `json:"restarts"`
	} `json:"containers"`
}

func (pb *publisher) status(t *testing.T, id string) podStatus {
	t.Helper()
	r := pb.must(t, "pod", "status", id, "--output", "json")
	var st podStatus
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("pod status output: %v\n%s", err, r.stdout)
	}
	return st
}

// TestProviderCrashesWhileProvisioning kills the provider with SIGKILL at
// each step of a provision (bundle fetched, decrypted, pod created, before
// the record is committed). The publisher's deploy fails and says how to
// resume; after a restart the provider holds no trace of the half-done
// provision (no pod, no container, no address, no work file), `tpod deploy
// --resume` finishes it, and a pod deployed before never stops serving but
// for the provider's own downtime.
func TestProviderCrashesWhileProvisioning(t *testing.T) {
	n := newNet(t, netConfig{name: "crashprov"})
	deps := n.deployHello(t, 1)
	tr := n.startTraffic(hostsOf(deps), 2, 100*time.Millisecond)
	manifest := n.manifest(t, "hello", helloPod("hello", 1, ""))
	points := []string{"provision/fetched", "provision/decrypted", "provision/created", "provision/committing"}
	if !full {
		points = points[2:] // the two after the runtime changed
	}
	for _, point := range points {
		t.Run(strings.ReplaceAll(point, "/", "-"), func(t *testing.T) {
			n.prov.restartWith(t, fault.EnvCrash+"="+point)
			pb := n.newPublisher(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			r := pb.run(ctx, pb.deployArgs(manifest, "1000000000000")...)
			if r.err == nil {
				t.Fatalf("deploy succeeded although the provider was to crash at %s", point)
			}
			if !strings.Contains(r.stderr, "tpod deploy --resume") || !strings.Contains(r.stderr, "while provisioning the pod") {
				t.Errorf("the deploy did not fail provisioning, saying how to resume:\n%s", r.stderr)
			}
			n.prov.waitExit(t, 30*time.Second)
			if sig := n.prov.exitSignal(); sig != syscall.SIGKILL {
				t.Fatalf("the provider ended by %v, not by its crash point", sig)
			}
			if !n.prov.logHas(`fault injection is on`) {
				t.Fatal("the provider did not run with the crash point")
			}
			n.prov.start(t)
			n.prov.waitReady(t, time.Minute)
			n.checkRuntimePods(t, deps)
			rec := pb.failedRecord(t)
			d := pb.resume(t, rec.ID)
			n.waitServing(t, d, 30*time.Second)
			deps = append(deps, d)
			n.checkRuntimePods(t, deps)
		})
	}
	stats := tr.Stop()
	t.Logf("traffic to the first pod: %s", summary(stats))
	checkServed(t, stats, 20*time.Second)
	n.finish(t, deps...)
}

// version is what a versionedPod says it runs.
func (n *network) version(t *testing.T, d *deployment) string {
	t.Helper()
	code, body, err := n.getPath(d.Host, "/file?path=/conf/version", 5*time.Second)
	if err != nil || code != 200 {
		t.Fatalf("version of pod %s: %d %v", d.Host, code, err)
	}
	return body
}

// TestProviderCrashesWhileUpdating kills the provider with SIGKILL at each
// step of an update. After a restart the pod runs its committed spec (an
// update that reached the runtime is undone), serves, is billed, and the
// publisher's repeated update goes through; never two pods, never an
// orphan.
func TestProviderCrashesWhileUpdating(t *testing.T) {
	n := newNet(t, netConfig{name: "crashupd"})
	pb := n.newPublisher(t)
	d := pb.deploy(t, n.manifest(t, "versioned-1", versionedPod("1")), "1000000000000")
	n.waitServing(t, d, 30*time.Second)
	deps := []*deployment{d}
	tr := n.startTraffic(hostsOf(deps), 2, 100*time.Millisecond)
	committed := "1"
	points := []string{"update/fetched", "update/decrypted", "update/created", "update/committing"}
	if !full {
		points = points[2:] // the two after the runtime changed
	}
	for i, point := range points {
		t.Run(strings.ReplaceAll(point, "/", "-"), func(t *testing.T) {
			before := pb.status(t, d.ID)
			next := fmt.Sprint(i + 2)
			manifest := n.manifest(t, "versioned-"+next, versionedPod(next))
			n.prov.restartWith(t, fault.EnvCrash+"="+point)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			if r := pb.run(ctx, "pod", "update", d.ID, "-f", manifest); r.err == nil {
				t.Fatalf("update succeeded although the provider was to crash at %s", point)
			}
			n.prov.waitExit(t, 30*time.Second)
			if sig := n.prov.exitSignal(); sig != syscall.SIGKILL {
				t.Fatalf("the provider ended by %v, not by its crash point", sig)
			}
			n.prov.start(t)
			n.prov.waitReady(t, time.Minute)
			n.waitServing(t, d, 30*time.Second)
			if v := n.version(t, d); v != committed {
				t.Errorf("after the crash the pod runs version %q, want the committed %q", v, committed)
			}
			if st := pb.status(t, d.ID); st.BundleCID != before.BundleCID || st.State != "running" {
				t.Errorf("after the crash the pod is %s on bundle %s, want running on the committed %s", st.State, st.BundleCID, before.BundleCID)
			}
			n.checkRuntimePods(t, deps)
			pb.must(t, "pod", "update", d.ID, "-f", manifest)
			committed = next
			n.waitServing(t, d, 30*time.Second)
			if v := n.version(t, d); v != committed {
				t.Errorf("after the repeated update the pod runs version %q, want %q", v, committed)
			}
			if after := pb.status(t, d.ID); after.BundleCID == before.BundleCID {
				t.Errorf("the repeated update left the pod on bundle %s", after.BundleCID)
			}
			n.checkRuntimePods(t, deps)
		})
	}
	stats := tr.Stop()
	t.Logf("traffic: %s", summary(stats))
	// An update restarts the pod: while it does, the gateway answers 502.
	checkServed(t, stats, 20*time.Second, 502)
	n.finish(t, deps...)
}

// runs is the start of each pod's current run, from the runtime's pod
// records (docs/runtime.md, "Layout on disk"): a pod that stopped and
// started again has a later one.
func (n *network) runs(t *testing.T, deps []*deployment) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, d := range deps {
		id := runtimeID(d.Channel)
		b, err := os.ReadFile(filepath.Join(n.prov.dataDir, "pods", "pods", id, "pod.json"))
		if err != nil {
			t.Fatalf("pod %s: %v", d.Host, err)
		}
		var st struct{ Since time.Time }
		if err := json.Unmarshal(b, &st); err != nil || st.Since.IsZero() {
			t.Fatalf("pod %s: record without its run's start (%v)", d.Host, err)
		}
		out[id] = st.Since
	}
	return out
}

// checkNotRestarted asserts that none of the pods whose runs before
// recorded stopped or started again since: through the fault they ran on.
func (n *network) checkNotRestarted(t *testing.T, deps []*deployment, before map[string]time.Time) {
	t.Helper()
	after := n.runs(t, deps)
	for _, d := range deps {
		id := runtimeID(d.Channel)
		if b, ok := before[id]; ok && !after[id].Equal(b) {
			t.Errorf("pod %s was restarted during the fault (its run began %s, now %s)", d.Host,
				b.Format("15:04:05.000"), after[id].Format("15:04:05.000"))
		}
	}
}
