package cgroupfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The CFS bandwidth limit of a container's cgroup (under gVisor, of its
// sandbox: the Sentry, the app's ptrace stubs and the gofer): v1
// cpu.cfs_quota_us and cpu.cfs_period_us in the cpu hierarchy, v2 cpu.max
// ("<quota> <period>", "max" for no limit). runc and runsc write it from the
// OCI spec when they create the cgroup; the start burst lifts and restores
// it (internal/runtime/containerd/burst.go).

// NoQuota is the quota of a cgroup without a CPU limit.
const NoQuota = -1

// SetCPUQuota sets the cgroup's CPU quota per period of periodUS
// microseconds (quotaUS NoQuota: no limit).
func (h Hierarchy) SetCPUQuota(ns, id string, quotaUS int64, periodUS uint64) error {
	if h.V2 {
		q := "max"
		if quotaUS >= 0 {
			q = strconv.FormatInt(quotaUS, 10)
		}
		return os.WriteFile(filepath.Join(h.Root, ns, id, "cpu.max"), []byte(q+" "+strconv.FormatUint(periodUS, 10)), 0)
	}
	dir := filepath.Join(h.Root, "cpu", ns, id)
	// The kernel checks a v1 quota against the current period: set the
	// period first when it changes.
	if cur, err := os.ReadFile(filepath.Join(dir, "cpu.cfs_period_us")); err != nil {
		return err
	} else if strings.TrimSpace(string(cur)) != strconv.FormatUint(periodUS, 10) {
		if err := os.WriteFile(filepath.Join(dir, "cpu.cfs_period_us"), []byte(strconv.FormatUint(periodUS, 10)), 0); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "cpu.cfs_quota_us"), []byte(strconv.FormatInt(quotaUS, 10)), 0)
}

// CPUQuota reads the cgroup's CPU quota and period in microseconds
// (quota NoQuota: no limit).
func (h Hierarchy) CPUQuota(ns, id string) (quotaUS int64, periodUS uint64, err error) {
	if h.V2 {
		b, err := os.ReadFile(filepath.Join(h.Root, ns, id, "cpu.max"))
		if err != nil {
			return 0, 0, err
		}
		return ParseCPUMax(b)
	}
	dir := filepath.Join(h.Root, "cpu", ns, id)
	q, err := os.ReadFile(filepath.Join(dir, "cpu.cfs_quota_us"))
	if err != nil {
		return 0, 0, err
	}
	p, err := os.ReadFile(filepath.Join(dir, "cpu.cfs_period_us"))
	if err != nil {
		return 0, 0, err
	}
	if quotaUS, err = strconv.ParseInt(strings.TrimSpace(string(q)), 10, 64); err != nil {
		return 0, 0, fmt.Errorf("cpu.cfs_quota_us: %w", err)
	}
	if periodUS, err = strconv.ParseUint(strings.TrimSpace(string(p)), 10, 64); err != nil {
		return 0, 0, fmt.Errorf("cpu.cfs_period_us: %w", err)
	}
	return quotaUS, periodUS, nil
}

// ParseCPUMax parses a v2 cpu.max ("<quota|max> <period>").
func ParseCPUMax(b []byte) (quotaUS int64, periodUS uint64, err error) {
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("cpu.max %q: want quota and period", b)
	}
	if periodUS, err = strconv.ParseUint(f[1], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("cpu.max period: %w", err)
	}
	if f[0] == "max" {
		return NoQuota, periodUS, nil
	}
	if quotaUS, err = strconv.ParseInt(f[0], 10, 64); err != nil || quotaUS < 0 {
		return 0, 0, fmt.Errorf("cpu.max quota %q", f[0])
	}
	return quotaUS, periodUS, nil
}

// Listening adds to seen the ports of want that a /proc/<pid>/net/tcp or
// tcp6 table shows a socket listening on ("  sl  local_address
// rem_address   st ...": the local address as hex "ADDR:PORT", state 0A
// for LISTEN).
func Listening(table []byte, want, seen map[uint16]bool) {
	lines := strings.Split(string(table), "\n")
	for _, line := range lines[min(1, len(lines)):] {
		f := strings.Fields(line)
		if len(f) < 4 || f[3] != "0A" {
			continue
		}
		_, port, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		if p, err := strconv.ParseUint(port, 16, 16); err == nil && want[uint16(p)] {
			seen[uint16(p)] = true
		}
	}
}
