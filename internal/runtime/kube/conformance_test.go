package kube

import (
	"testing"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/runtimetest"
)

// needsContainers is why a conformance subtest cannot run here: envtest has
// an API server and etcd but no kubelet, so no container ever runs and no
// pod address is reachable. These run against a real cluster (kind or k3d,
// see deploy/local and docs/kubernetes.md).
const needsContainers = "needs a kubelet running real containers (envtest has none)"

func TestConformance(t *testing.T) {
	needCluster(t)
	reg := testRegistry(t)
	factory := func(t *testing.T) runtime.Runtime {
		// Every runtime shares the cluster and the registry, as a restarted
		// provider would.
		return newRuntime(t, Config{Instance: "conformance", Images: reg})
	}
	cycles := 20
	if testing.Short() {
		cycles = 5
	}
	runtimetest.RunWith(t, factory, runtimetest.Options{
		Cycles: cycles,
		Skip: map[string]string{
			"HTTPServer":         needsContainers,
			"SharedNetwork":      needsContainers,
			"OOMKill":            needsContainers,
			"CPUQuota":           needsContainers,
			"Logs":               needsContainers,
			"StopStartKeepsData": needsContainers,
			"GracefulStop":       needsContainers,
			"Update":             needsContainers,
			"Recovery":           needsContainers,
		},
	})
}
