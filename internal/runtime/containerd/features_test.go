package containerd

import (
	"testing"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/runtimetest"
)

// TestGVisorFeatures runs the optional features' conformance subtests under
// gVisor: init containers, probes (exec ones through runsc exec), hostnames
// from the bind-mounted /etc/hosts, user and read-only root.
func TestGVisorFeatures(t *testing.T) {
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	requireRunsc(t)
	runtimetest.RunFeatures(t, func(t *testing.T) runtime.Runtime {
		r := newTestRuntime(t, cfg)
		cleanStale(t, r)
		return r
	})
}
