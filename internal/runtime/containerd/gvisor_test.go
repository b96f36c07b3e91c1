package containerd

import (
	"testing"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/runtimetest"
)

// TestConformanceGVisor runs the conformance suite with every pod under
// gVisor, the default sandbox.
func TestConformanceGVisor(t *testing.T) {
	requireRunsc(t)
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = SandboxGVisor
	cfg.Network.Subnet = "172.30.214.0/24"
	runtimetest.RunWith(t, func(t *testing.T) runtime.Runtime {
		r := newTestRuntime(t, cfg)
		cleanStale(t, r)
		return r
	}, runtimetest.Options{InsideCPUOverstated: true})
}
