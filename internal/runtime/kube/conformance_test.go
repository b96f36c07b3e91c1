package kube

import (
	"testing"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/runtimetest"
)

// TestConformance runs the runtime conformance suite on the real cluster
// (scripts/testenv-cluster.sh), with runc.
func TestConformance(t *testing.T) {
	needRealCluster(t)
	reg := clusterRegistry(t)
	factory := func(t *testing.T) runtime.Runtime {
		// Every runtime shares the cluster and the registry, as a restarted
		// provider would.
		return newClusterRuntime(t, Config{Instance: "conformance", Images: reg})
	}
	cycles := 10
	if testing.Short() {
		cycles = 5
	}
	runtimetest.RunWith(t, factory, runtimetest.Options{Cycles: cycles, FreshLayerOnStart: true})
}
