package faults

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/usage"
)

// faultyPod is a podtest pod with one container, no port, running args
// with a restart policy ("" for never) and a storage reservation.
func faultyPod(name, restart, storage string, args ...string) string {
	policy := ""
	if restart != "" {
		policy = "\n    restart: " + restart
	}
	return fmt.Sprintf(`apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: %s
spec:
  containers:
  - name: main
    image: podtest:latest
    args: [%s]%s
    resources: {cpu: 100m, memory: 32Mi, storage: %s}
  scale: {min: 1, max: 1}
`, name, `"`+strings.Join(args, `", "`)+`"`, policy, storage)
}

// TestPodFaults runs, beside a healthy pod under load, pods that end by
// themselves — one whose container exits 0 under restart: never, one that
// exits 0 under on-failure, one killed for filling its storage past its
// reservation — and one that crash-loops under restart: always. A pod that
// ended stays stopped, with its reason in `tpod pod status` and `tpod pod
// events`, across provider restarts too, until its publisher updates it;
// it is charged no running time after its end, only its storage. The
// crash-looping pod is restarted by the runtime with a back-off. The
// healthy pod is untouched, and every channel's payments match its usage.
func TestPodFaults(t *testing.T) {
	n := newNet(t, netConfig{name: "podfault"})
	deps := n.deployHello(t, 1)
	tr := n.startTraffic(hostsOf(deps), 2, 100*time.Millisecond)
	runs := n.runs(t, deps)

	const funds = "1000000000000"
	exiter := n.newPublisher(t)
	ex := exiter.deploy(t, n.manifest(t, "exiter", faultyPod("exiter", "", "16Mi", "exit", "-code", "0", "-after", "3s")), funds)
	doner := n.newPublisher(t)
	dn := doner.deploy(t, n.manifest(t, "doner", faultyPod("doner", "on-failure", "16Mi", "exit", "-code", "0", "-after", "3s")), funds)
	looper := n.newPublisher(t)
	lp := looper.deploy(t, n.manifest(t, "looper", faultyPod("looper", "always", "16Mi", "exit", "-code", "1", "-after", "1s")), funds)
	filler := n.newPublisher(t)
	fl := filler.deploy(t, n.manifest(t, "filler", faultyPod("filler", "", "16Mi", "fill", "-path", "/var/big", "-mib", "48", "-after", "3s")), funds)
	loopFrom := lp.StartedAt

	ended := []*deployment{ex, dn, fl}
	why := map[*deployment]string{
		ex: "container main exited with code 0 (restart: never)",
		dn: "container main exited with code 0 (restart: on-failure)",
		fl: "grew past its storage reservation of 16 MiB",
	}
	endedLog := func(d *deployment) int {
		b, _ := os.ReadFile(n.prov.logFile)
		return strings.Count(string(b), `"pod ended by itself; left stopped" component=provider pod=`+runtimeID(d.Channel))
	}
	seen := map[*deployment]time.Time{}
	waitFor(t, time.Minute, "the pods that end by themselves to be left stopped", func() bool {
		for _, d := range ended {
			if seen[d].IsZero() && endedLog(d) > 0 {
				seen[d] = time.Now()
			}
		}
		return len(seen) == len(ended)
	})
	if !n.prov.logHas(`storage limit exceeded, killing pod.* pod=` + runtimeID(fl.Channel)) {
		t.Error("the pod over its storage limit was not killed for it")
	}
	// Left stopped through several billing cycles (2 s), with the reason
	// shown to the publisher.
	endRuns := n.runs(t, ended)
	n.waitClaims(t, 4, time.Minute)
	n.checkNotRestarted(t, ended, endRuns)
	checkEnded := func(when string) {
		t.Helper()
		for _, d := range ended {
			st := d.pb.status(t, d.ID)
			if st.State != "stopped" || !strings.Contains(st.Message, why[d]) {
				t.Errorf("%s: pod %s status %q %q, want stopped: %s", when, d.ID, st.State, st.Message, why[d])
			}
			if n.prov.logHas(`"reconcile: started pod" component=provider pod=` + runtimeID(d.Channel)) {
				t.Errorf("%s: the provider started pod %s again after it ended", when, d.ID)
			}
		}
	}
	checkEnded("after its end")
	for _, d := range ended {
		evs := d.pb.must(t, "pod", "events", d.ID, "--output", "json").stdout
		found := false
		for _, line := range strings.Split(evs, "\n") {
			found = found || strings.Contains(line, `"kind":"ended"`) && strings.Contains(line, why[d])
		}
		if !found {
			t.Errorf("pod %s: no ended event saying %q in its events:\n%s", d.ID, why[d], evs)
		}
	}

	// The crash loop is the runtime's, with its back-off (1 s doubling):
	// k restarts of a container that runs 1 s take at least Σ (1 s + 2^i s)
	// for i < k. Without a back-off it would restart every second or two.
	if d := 22*time.Second - time.Since(loopFrom); d > 0 {
		time.Sleep(d)
	}
	st := looper.status(t, lp.ID)
	if len(st.Containers) != 1 {
		t.Fatalf("looper status: %+v", st)
	}
	restarts, elapsed := int(st.Containers[0].Restarts), time.Since(loopFrom)
	most := 0
	for k := 1; time.Duration(k)*time.Second+time.Duration(1<<k-1)*time.Second <= elapsed; k++ {
		most = k
	}
	t.Logf("the crash-looping pod restarted %d times in %v (the back-off allows at most %d)", restarts, elapsed.Round(time.Second), most)
	if restarts < 3 || restarts > most+1 {
		t.Errorf("the crash-looping pod restarted %d times in %v; with its back-off, want 3 to %d", restarts, elapsed.Round(time.Second), most+1)
	}

	n.checkNotRestarted(t, deps, runs)
	stats := tr.Stop()
	t.Logf("traffic to the healthy pod: %s", summary(stats))
	checkServed(t, stats, servingGap)

	// A provider restart does not bring them back.
	n.prov.signal(t, syscall.SIGKILL)
	n.prov.start(t)
	n.prov.waitReady(t, time.Minute)
	n.waitClaims(t, 3, time.Minute)
	n.checkNotRestarted(t, ended, endRuns)
	checkEnded("after a provider restart")

	// Its publisher runs an ended pod again (an update): it runs, and ends
	// again.
	exiter.must(t, "pod", "update", ex.ID, "-f", n.manifest(t, "exiter2", faultyPod("exiter", "", "16Mi", "exit", "-code", "0", "-after", "3s")))
	if after := n.runs(t, []*deployment{ex}); after[runtimeID(ex.Channel)].Equal(endRuns[runtimeID(ex.Channel)]) {
		t.Error("pod update did not run the ended pod again")
	}
	waitFor(t, 30*time.Second, "the restarted pod to end again", func() bool { return endedLog(ex) >= 2 })

	// Charged running time only while they ran (twice 3 s for the exiter,
	// once for the others, plus start and the storage check's second),
	// and their storage all along: its data is kept.
	// The storage limit is enforced at the provider's upkeep (10 s): the
	// filler ran until it was seen ended at most.
	ex.MaxRun, dn.MaxRun, fl.MaxRun = 2*5*time.Second, 5*time.Second, seen[fl].Sub(fl.Began)
	lp.SkipMetered = true
	paid := n.finish(t, append(deps, ex, dn, lp, fl)...)
	lp.MaxRun = lp.EndedAt.Sub(lp.Began)
	n.checkRanAtMost(t, lp, paid[lp])
	for _, d := range ended {
		kept := float64(paid[d][usage.StorageReserved]) / 16
		if existed := d.StopAt.Sub(d.StartedAt).Seconds(); kept < existed-5 {
			t.Errorf("pod %s: storage charged for %.1f s, but its data was kept for %.1f s (usage %v)", d.ID, kept, existed, paid[d])
		}
	}
}

// checkRanAtMost asserts that a pod was charged for no more running time
// than d.MaxRun, with the meter's slack (a sample interval at each end).
func (n *network) checkRanAtMost(t *testing.T, d *deployment, u usage.Vector) {
	t.Helper()
	s := time.Duration(reservedSeconds(u, d.CPUMilli) * float64(time.Second))
	if s > d.MaxRun+3*time.Second {
		t.Errorf("pod %s was charged for %.1f s of running, but it ran about %v (usage %v)", d.Host, s.Seconds(), d.MaxRun, u)
	}
}
