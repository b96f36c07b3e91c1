package containerd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerd/containerd/v2/core/snapshots"
)

// Leaks lists resources that belong to no existing pod: network namespaces,
// CNI address allocations, containers, snapshots, imported images, cgroups
// and secret mounts.
// After every pod is deleted it must be empty (runtimetest checks it).
func (r *Runtime) Leaks(ctx context.Context) ([]string, error) {
	ctx = r.ctx(ctx)
	states, err := r.loadAll()
	if err != nil {
		return nil, err
	}
	pods := map[string]bool{}
	netnses := map[string]bool{}
	veths := map[string]bool{}
	for _, st := range states {
		pods[st.Spec.ID] = true
		netnses[filepath.Base(st.NetNS)] = true
		veths[st.HostVeth] = true
	}
	podOf := func(cid string) string { pod, _, _ := strings.Cut(cid, "."); return pod }
	var leaks []string

	ents, _ := os.ReadDir(r.net.nsDir)
	for _, e := range ents {
		if !netnses[e.Name()] {
			leaks = append(leaks, "netns "+filepath.Join(r.net.nsDir, e.Name()))
		}
	}
	ports, _ := os.ReadDir(filepath.Join("/sys/class/net", r.net.bridge, "brif"))
	for _, p := range ports {
		if !veths[p.Name()] {
			leaks = append(leaks, "veth "+p.Name()+" on "+r.net.bridge)
		}
	}
	// host-local keeps one file per allocated address holding the owner's ID.
	nets, _ := os.ReadDir(r.net.ipamDir)
	for _, n := range nets {
		files, _ := os.ReadDir(filepath.Join(r.net.ipamDir, n.Name()))
		for _, f := range files {
			if f.Name() == "lock" || strings.HasPrefix(f.Name(), "last_reserved_ip") {
				continue
			}
			b, _ := os.ReadFile(filepath.Join(r.net.ipamDir, n.Name(), f.Name()))
			owner, _, _ := strings.Cut(string(b), "\n")
			if !pods[strings.TrimSpace(owner)] {
				leaks = append(leaks, fmt.Sprintf("cni address %s (owner %q)", f.Name(), owner))
			}
		}
	}
	conts, err := r.client.Containers(ctx)
	if err != nil {
		return nil, wrapErr(err)
	}
	for _, c := range conts {
		if !pods[podOf(c.ID())] {
			leaks = append(leaks, "container "+c.ID())
		}
	}
	err = r.client.SnapshotService(snapshotter).Walk(ctx, func(_ context.Context, info snapshots.Info) error {
		if info.Kind == snapshots.KindActive && !pods[podOf(info.Name)] {
			leaks = append(leaks, "snapshot "+info.Name)
		}
		return nil
	})
	if err != nil {
		return nil, wrapErr(err)
	}
	used, err := r.usedImages(ctx)
	if err != nil {
		return nil, err
	}
	imgs, err := r.client.ImageService().List(ctx)
	if err != nil {
		return nil, wrapErr(err)
	}
	for _, im := range imgs {
		if d, ours := strings.CutPrefix(im.Name, imagePrefix); ours && !used[d] {
			leaks = append(leaks, "image "+im.Name)
		}
	}
	// cgroups: runc puts ours at /<namespace>/<container> in every v1
	// hierarchy, or under the v2 root.
	for _, base := range []string{"/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/pids", "/sys/fs/cgroup"} {
		cg, _ := os.ReadDir(filepath.Join(base, r.cfg.Namespace))
		for _, e := range cg {
			if e.IsDir() && !pods[podOf(e.Name())] {
				leaks = append(leaks, "cgroup "+filepath.Join(base, r.cfg.Namespace, e.Name()))
			}
		}
	}
	for _, dir := range []string{filepath.Join(r.cfg.StateDir, "pods"), filepath.Join(r.cfg.DataDir, "pods")} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if !pods[e.Name()] {
				leaks = append(leaks, "directory "+filepath.Join(dir, e.Name()))
			}
		}
	}
	return leaks, nil
}
