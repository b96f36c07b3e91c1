package containerd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trustedpods/tpod/internal/runtime"
)

// DefaultSandbox is what tenant pods run in unless the provider's
// configuration says otherwise: gVisor, whose user-space kernel (the Sentry)
// stands between a pod and the host kernel, so that a container escape
// needs a gVisor bug and a host kernel bug. runc is for providers that
// choose it (the choice is part of the reported Isolation).
const DefaultSandbox = SandboxGVisor

// runscFlags: the ptrace platform (no KVM with nested virtualisation here)
// and host networking, which inside a pod means the pod's own network
// namespace; gVisor's netstack does not start on this kernel (gVisor #10704).
var runscFlags = []string{"--platform=ptrace", "--network=host"}

// writeRunscWrapper writes the script the runc shim runs instead of runc
// (its BinaryName): runsc with our flags in front of the shim's arguments.
func writeRunscWrapper(cfg Config) (string, error) {
	bin := cfg.RunscPath
	if bin == "" {
		bin = "runsc"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return "", fmt.Errorf("gvisor sandbox (the default): runsc not found (apt install runsc, or choose sandbox runc): %w", runtime.ErrUnavailable)
	}
	if strings.ContainsAny(path, "'\n") {
		return "", fmt.Errorf("runsc path %q: %w", path, runtime.ErrInvalid)
	}
	dir := filepath.Join(cfg.DataDir, "bin")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	script := fmt.Sprintf("#!/bin/sh\nexec '%s' %s \"$@\"\n", path, strings.Join(runscFlags, " "))
	wrapper := filepath.Join(dir, "runsc-tpod")
	if err := os.WriteFile(wrapper+".tmp", []byte(script), 0o700); err != nil {
		return "", err
	}
	return wrapper, os.Rename(wrapper+".tmp", wrapper)
}

// forceDeleteRunsc removes a gVisor container stuck in "created", which the
// shim's own delete cannot.
func (r *Runtime) forceDeleteRunsc(id string) {
	root := filepath.Join(r.cfg.StateDir, "runsc", r.cfg.Namespace)
	out, err := exec.Command(r.runsc, "--root", root, "delete", "-force", id).CombinedOutput()
	if err != nil {
		r.log.Debug("runsc delete -force", "container", id, "err", err, "out", string(out))
	}
}

// Isolation is a Runtime's effective isolation of tenant pods: its
// configuration with every default applied. The provider reports it, and
// the measured image configuration fixes it, so a publisher can tell gVisor
// from runc and a sealed network from an open one.
type Isolation struct {
	// Sandbox is SandboxGVisor or SandboxRunc.
	Sandbox string `json:"sandbox"`
	// RunscFlags are runsc's flags under gVisor (platform, network).
	RunscFlags []string `json:"runscFlags,omitempty"`
	// HostAccess: pods may open connections to the host's own addresses.
	HostAccess bool `json:"hostAccess"`
	// PodToPod: pods may reach each other.
	PodToPod bool `json:"podToPod"`
	// BlockedIPv4 are the destinations pods cannot reach: the ranges that
	// are not globally reachable (firewall.go). IPv6 from pods is dropped
	// whole.
	BlockedIPv4 []string `json:"blockedIPv4"`
	// DNS are the name servers pods may query on port 53 even when they
	// are in a blocked range or on the host.
	DNS []string `json:"dns"`
}

// Isolation returns the runtime's effective isolation.
func (r *Runtime) Isolation() Isolation {
	f := r.net.fw
	iso := Isolation{Sandbox: r.cfg.Sandbox, HostAccess: f.hostAccess, PodToPod: f.podToPod,
		BlockedIPv4: slices.Clone(blockedIPv4), DNS: []string{}}
	if r.cfg.Sandbox == SandboxGVisor {
		iso.RunscFlags = runscFlags
	}
	for _, a := range f.dns {
		iso.DNS = append(iso.DNS, a.String())
	}
	return iso
}
