package faults

import (
	"fmt"
	"os"
	"strings"
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

// TestPodFaults runs, beside a healthy pod under load, a pod whose
// container exits, one that crash-loops and one that fills its storage
// quota. A paid pod (scale.min 1) is kept running: the provider starts a
// stopped one again at its next billing cycle whatever its containers'
// restart policy, and the runtime kills a pod over its storage limit. The
// healthy pod is untouched, nothing is charged beyond what the faulty pods
// existed, and every channel's payments match its usage.
func TestPodFaults(t *testing.T) {
	n := newNet(t, netConfig{name: "podfault"})
	deps := n.deployHello(t, 1)
	tr := n.startTraffic(hostsOf(deps), 2, 100*time.Millisecond)
	runs := n.runs(t, deps)

	const funds = "1000000000000"
	exiter := n.newPublisher(t)
	ex := exiter.deploy(t, n.manifest(t, "exiter", faultyPod("exiter", "", "16Mi", "exit", "-code", "0", "-after", "3s")), funds)
	looper := n.newPublisher(t)
	lp := looper.deploy(t, n.manifest(t, "looper", faultyPod("looper", "always", "16Mi", "exit", "-code", "1", "-after", "1s")), funds)
	filler := n.newPublisher(t)
	fl := filler.deploy(t, n.manifest(t, "filler", faultyPod("filler", "", "16Mi", "fill", "-path", "/var/big", "-mib", "48", "-after", "3s")), funds)

	// Each faulty pod stops and is started again by the provider, more
	// than once.
	faulty := []*deployment{ex, lp, fl}
	waitFor(t, 90*time.Second, "each faulty pod to be started again twice", func() bool {
		b, _ := os.ReadFile(n.prov.logFile)
		for _, d := range faulty {
			if strings.Count(string(b), `"reconcile: started pod" component=provider pod=`+runtimeID(d.Channel)) < 2 {
				return false
			}
		}
		return true
	})
	if !n.prov.logHas(`storage limit exceeded, killing pod.* pod=` + runtimeID(fl.Channel)) {
		t.Error("the pod over its storage limit was not killed for it")
	}
	n.waitClaims(t, 2, time.Minute)
	n.checkNotRestarted(t, deps, runs)
	stats := tr.Stop()
	t.Logf("traffic to the healthy pod: %s", summary(stats))
	checkServed(t, stats, servingGap)

	// The faulty pods run on and off: charged no longer than they existed
	// (finish), and paid exactly their last receipts.
	for _, d := range faulty {
		d.SkipMetered = true
	}
	n.finish(t, append(deps, faulty...)...)
	for _, d := range faulty {
		d.MaxRun = d.EndedAt.Sub(d.Began)
		n.checkRanAtMost(t, d, n.checkPaid(t, d.Channel))
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
