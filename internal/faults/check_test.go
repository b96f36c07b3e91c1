package faults

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/core/snapshots"

	"github.com/trustedpods/tpod/internal/runtime/containerd"
	"github.com/trustedpods/tpod/internal/usage"
)

// checkPaid asserts the payment invariant of a channel: what the contract
// paid, summed over every accepted claim, equals its last accepted usage ×
// the channel's prices, to the unit. A claim paid short (cut by the
// balance or by maxPerSecond) or a receipt paid twice would break it. It
// returns the last accepted usage.
func (n *network) checkPaid(t *testing.T, channel [32]byte) usage.Vector {
	t.Helper()
	st, err := n.pay.State(context.Background(), channel)
	if err != nil {
		t.Fatalf("channel %x: %v", channel[:4], err)
	}
	want := new(big.Int)
	for i, u := range st.Last.Usage {
		want.Add(want, new(big.Int).Mul(new(big.Int).SetUint64(u), st.Terms.Prices[i]))
	}
	if st.ClaimedTotal.Cmp(want) != 0 {
		t.Errorf("channel %x: paid %s over its claims, but its last receipt (seq %d, usage %v) × prices is %s",
			channel[:4], st.ClaimedTotal, st.Last.Seq, st.Last.Usage, want)
	}
	return st.Last.Usage
}

// reservedSeconds is how long a receipt says the pod ran: its reserved CPU
// (millicore·s) over the pod's millicores.
func reservedSeconds(u usage.Vector, cpuMilli uint64) float64 {
	return float64(u[usage.CPUReserved]) / float64(cpuMilli)
}

// checkMetered asserts that a deleted pod was charged for as long as it
// ran: no more than it existed (nothing counted twice) and no less than it
// surely ran, less 3 s (the meter's first sample only sets its baseline; a
// stop within a second is not charged) and the downtime the test allows.
func (n *network) checkMetered(t *testing.T, d *deployment, u usage.Vector) {
	t.Helper()
	s := time.Duration(reservedSeconds(u, d.CPUMilli) * float64(time.Second))
	lo := d.StopAt.Sub(d.StartedAt) - 3*time.Second - n.downtime
	hi := d.EndedAt.Sub(d.Began) + time.Second
	if s < lo || s > hi {
		t.Errorf("pod %s was charged for %.1f s of running, want %.1f–%.1f s (usage %v)", d.Host, s.Seconds(), lo.Seconds(), hi.Seconds(), u)
	}
}

// leaks lists what the provider's runtime leaves on this host for pods
// that no longer exist: network namespaces, veths on its bridge, CNI
// addresses, containers, snapshots, images, cgroups, mounts and files in
// its work directory. The provider (and its containerd) must be running;
// pods lists the runtime IDs of pods that do exist.
func (p *providerProc) leaks(t *testing.T, pods map[string]bool) []string {
	t.Helper()
	var out []string
	// The network namespaces and host veths of the pods that exist, from
	// the runtime's pod records (docs/runtime.md, "Layout on disk").
	liveNS, liveVeth := map[string]bool{}, map[string]bool{}
	for id := range pods {
		var st struct{ NetNS, HostVeth string }
		b, err := os.ReadFile(filepath.Join(p.dataDir, "pods", "pods", id, "pod.json"))
		if err == nil && json.Unmarshal(b, &st) == nil {
			liveNS[st.NetNS], liveVeth[st.HostVeth] = true, true
		} else {
			out = append(out, "no record of pod "+id)
		}
	}
	nsDir := filepath.Join(p.stateDir, "pods", "netns")
	ents, _ := os.ReadDir(nsDir)
	for _, e := range ents {
		if !liveNS[filepath.Join(nsDir, e.Name())] {
			out = append(out, "netns "+filepath.Join(nsDir, e.Name()))
		}
	}
	ports, _ := os.ReadDir(filepath.Join("/sys/class/net", p.bridge, "brif"))
	for _, e := range ports {
		if !liveVeth[e.Name()] {
			out = append(out, "veth "+e.Name()+" on "+p.bridge)
		}
	}
	ipam := filepath.Join(p.dataDir, "pods", "cni", "ipam")
	nets, _ := os.ReadDir(ipam)
	for _, nd := range nets {
		files, _ := os.ReadDir(filepath.Join(ipam, nd.Name()))
		for _, f := range files {
			if f.Name() == "lock" || strings.HasPrefix(f.Name(), "last_reserved_ip") {
				continue
			}
			b, _ := os.ReadFile(filepath.Join(ipam, nd.Name(), f.Name()))
			owner, _, _ := strings.Cut(string(b), "\n")
			if owner = strings.TrimSpace(owner); !pods[owner] {
				out = append(out, fmt.Sprintf("cni address %s of %q", f.Name(), owner))
			}
		}
	}
	podOf := func(cid string) string { pod, _, _ := strings.Cut(cid, "."); return pod }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.New(p.containerdSocket(), client.WithDefaultNamespace(p.namespace), client.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("connect to the provider's containerd: %v", err)
	}
	defer c.Close()
	conts, err := c.Containers(ctx)
	if err != nil {
		t.Fatalf("list containers: %v", err)
	}
	for _, ct := range conts {
		if !pods[podOf(ct.ID())] {
			out = append(out, "container "+ct.ID())
		}
	}
	err = c.SnapshotService("overlayfs").Walk(ctx, func(_ context.Context, info snapshots.Info) error {
		if info.Kind == snapshots.KindActive && !pods[podOf(info.Name)] {
			out = append(out, "snapshot "+info.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk snapshots: %v", err)
	}
	if len(pods) == 0 {
		imgs, err := c.ImageService().List(ctx)
		if err != nil {
			t.Fatalf("list images: %v", err)
		}
		for _, im := range imgs {
			out = append(out, "image "+im.Name)
		}
	}
	for _, ctl := range []string{"memory", "cpu", "cpuacct", "pids", "blkio", "devices", "freezer"} {
		cg, _ := os.ReadDir(filepath.Join("/sys/fs/cgroup", ctl, p.namespace))
		for _, e := range cg {
			if e.IsDir() && !pods[podOf(e.Name())] {
				out = append(out, "cgroup "+filepath.Join(ctl, p.namespace, e.Name()))
			}
		}
	}
	for _, m := range mountsUnder(filepath.Join(p.stateDir, "pods"), filepath.Join(p.dataDir, "pods")) {
		ok := liveNS[m]
		for id := range pods {
			ok = ok || strings.Contains(m, "/"+id+"/")
		}
		if !ok {
			out = append(out, "mount "+m)
		}
	}
	for _, dir := range []string{filepath.Join(p.dataDir, "pods", "pods"), filepath.Join(p.stateDir, "pods", "pods")} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if !pods[e.Name()] {
				out = append(out, "directory "+filepath.Join(dir, e.Name()))
			}
		}
	}
	work, _ := os.ReadDir(filepath.Join(p.dataDir, "work"))
	for _, e := range work {
		out = append(out, "work file "+e.Name())
	}
	return out
}

// mountsUnder lists mount points under any of the given directories.
func mountsUnder(dirs ...string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := fields[4]
		for _, d := range dirs {
			if mp == d || strings.HasPrefix(mp, d+"/") {
				out = append(out, mp)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out))) // children first
	return out
}

// hostLeaks lists what is left of the provider on the host after it
// stopped and its network was removed: processes (containerd, shims),
// mounts, the bridge and firewall rules naming the network.
func (p *providerProc) hostLeaks() []string {
	var out []string
	for _, pid := range pgrep(p.stateDir) {
		out = append(out, fmt.Sprintf("process %d (%s)", pid, cmdline(pid)))
	}
	for _, m := range mountsUnder(p.stateDir, p.dataDir) {
		if m == p.dataDir && p.n.cfg.dataDir != "" {
			continue // the test's own data disk
		}
		out = append(out, "mount "+m)
	}
	if _, err := os.Stat(filepath.Join("/sys/class/net", p.bridge)); err == nil {
		out = append(out, "bridge "+p.bridge)
	}
	for _, bin := range []string{"iptables-save", "ip6tables-save"} {
		b, _ := exec.Command(bin).Output()
		for _, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, p.bridge) || strings.Contains(line, "tpod "+p.bridge) || strings.Contains(line, p.n.cfg.subnet) {
				out = append(out, bin+": "+line)
			}
		}
	}
	return out
}

func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}

// removeNetwork removes the provider's pod network from the host (its
// firewall chains and rules, and its bridge). A provider leaves them in
// place when it stops, as pods may still run; a test removes them at the
// end.
func (p *providerProc) removeNetwork() error {
	return containerd.RemoveNetwork(containerd.NetworkConfig{Name: p.bridge, Bridge: p.bridge, Subnet: p.n.cfg.subnet})
}

// forceCleanup removes everything the provider may have left when a test
// failed half-way: processes, mounts, cgroups, the network and directories.
// A passing test has removed it all already (finish), and checked it.
func (p *providerProc) forceCleanup(t *testing.T) {
	if t.Failed() {
		t.Logf("provider log (last 150 lines):\n%s", p.logTail(150))
	}
	if p.running() {
		p.mu.Lock()
		p.cmd.Process.Kill()
		exited := p.exited
		p.mu.Unlock()
		<-exited
	}
	removeHostState(t, p.stateDir, p.dataDir, p.namespace, p.bridge, p.n.cfg.subnet)
	if !strings.HasPrefix(p.dataDir, p.n.dir) {
		os.RemoveAll(p.dataDir) // under the test's temporary directory otherwise
	}
}

// sweepStale removes what an earlier run of a network of this name left on
// the host when its test binary died without its cleanups (killed, or a
// test timeout): its providers' state directories under /run/tpod with
// their processes and mounts, its containers' cgroups, and its network.
func sweepStale(t *testing.T, cfg netConfig) {
	stale, _ := filepath.Glob(filepath.Join("/run/tpod", "tpf-"+cfg.name+"-*"))
	bridge, ns := bridgeName(cfg.name), "tpod-faults-"+cfg.name
	for _, dir := range stale {
		t.Logf("removing what an earlier run left: %s", dir)
		removeHostState(t, dir, "", ns, bridge, cfg.subnet)
	}
	if _, err := os.Stat(filepath.Join("/sys/class/net", bridge)); err == nil {
		removeHostState(t, "", "", ns, bridge, cfg.subnet)
	}
}

// removeHostState kills the processes of a provider's state directory (its
// containerd and shims) and of its containers' cgroups, unmounts what is
// mounted under its directories, removes the cgroups, the network and the
// state directory.
func removeHostState(t *testing.T, stateDir, dataDir, namespace, bridge, subnet string) {
	if namespace == "" || bridge == "" {
		panic("removeHostState without a namespace or bridge")
	}
	if stateDir != "" {
		for _, pid := range pgrep(stateDir) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	// Containers the shims ran, by their cgroups.
	for _, ctl := range []string{"memory", "cpu", "cpuacct", "pids", "blkio", "devices", "freezer", "cpuset", "net_cls", "perf_event", "hugetlb"} {
		base := filepath.Join("/sys/fs/cgroup", ctl, namespace)
		ents, _ := os.ReadDir(base)
		for _, e := range ents {
			if b, err := os.ReadFile(filepath.Join(base, e.Name(), "cgroup.procs")); err == nil {
				for _, f := range strings.Fields(string(b)) {
					var pid int
					fmt.Sscan(f, &pid)
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
	}
	time.Sleep(200 * time.Millisecond)
	var dirs []string
	for _, d := range []string{stateDir, dataDir} {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	for _, m := range mountsUnder(dirs...) {
		syscall.Unmount(m, syscall.MNT_DETACH)
	}
	for _, ctl := range []string{"memory", "cpu", "cpuacct", "pids", "blkio", "devices", "freezer", "cpuset", "net_cls", "perf_event", "hugetlb"} {
		base := filepath.Join("/sys/fs/cgroup", ctl, namespace)
		ents, _ := os.ReadDir(base)
		for _, e := range ents {
			syscall.Rmdir(filepath.Join(base, e.Name()))
		}
		syscall.Rmdir(base)
	}
	// The pods' veths go with their namespaces, a moment later.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		err := containerd.RemoveNetwork(containerd.NetworkConfig{Name: bridge, Bridge: bridge, Subnet: subnet})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Logf("cleanup: %v", err)
			break
		}
	}
	if stateDir != "" {
		os.RemoveAll(stateDir)
	}
}

// finish ends a test's network the way an operator would: every pod is
// deleted by its publisher (a final claim each), the payment invariant is
// checked on every channel, nothing of the pods may be left in the runtime,
// then the provider stops, its network is removed and nothing of it may be
// left on the host. Each pod's metered time is checked (checkMetered). It
// returns each pod's last accepted usage.
func (n *network) finish(t *testing.T, deps ...*deployment) map[*deployment]usage.Vector {
	t.Helper()
	for _, d := range deps {
		d.StopAt = time.Now()
		d.pb.must(t, "pod", "delete", d.ID)
		d.EndedAt = time.Now()
	}
	out := map[*deployment]usage.Vector{}
	for _, d := range deps {
		out[d] = n.checkPaid(t, d.Channel)
		switch {
		case d.MaxRun > 0:
			n.checkRanAtMost(t, d, out[d])
		case !d.SkipMetered:
			n.checkMetered(t, d, out[d])
		}
	}
	p := n.prov
	var left []string
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if left = p.leaks(t, nil); len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("left in the runtime after every pod was deleted:\n  %s", strings.Join(left, "\n  "))
	}
	p.signal(t, syscall.SIGTERM)
	if err := p.removeNetwork(); err != nil {
		t.Error(err)
	}
	waitFor(t, 15*time.Second, "the provider's processes to end", func() bool { return len(pgrep(p.stateDir)) == 0 })
	if l := p.hostLeaks(); len(l) > 0 {
		t.Errorf("left on the host after the provider stopped:\n  %s", strings.Join(l, "\n  "))
	}
	return out
}
