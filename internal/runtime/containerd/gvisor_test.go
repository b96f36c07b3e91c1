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

// TestDefaultSandboxIsGVisor: a Config that names no sandbox runs pods
// under gVisor, and the effective isolation says so.
func TestDefaultSandboxIsGVisor(t *testing.T) {
	requireRunsc(t)
	cfg := testConfig(t, "gvisor")
	cfg.Sandbox = ""
	cfg.Network.Subnet = "172.30.214.0/24"
	iso := newTestRuntime(t, cfg).Isolation()
	if iso.Sandbox != SandboxGVisor || len(iso.RunscFlags) == 0 {
		t.Errorf("default isolation %+v, want gVisor", iso)
	}
	if iso.HostAccess || iso.PodToPod || len(iso.BlockedIPv4) == 0 {
		t.Errorf("default isolation %+v, want host, other pods and private ranges shut", iso)
	}
}
