package containerd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/trustedpods/tpod/internal/runtime"
)

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
		return "", fmt.Errorf("gvisor sandbox: runsc not found (apt install runsc): %w", runtime.ErrUnavailable)
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
