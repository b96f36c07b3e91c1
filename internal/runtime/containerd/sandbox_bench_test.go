package containerd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// podMemory is the memory of an idle pod under one sandbox.
type podMemory struct {
	pss        float64 // MiB: shim + everything under it (runc: the app; gVisor: sandbox, gofer, ptrace stubs)
	workingSet float64 // MiB: the pod's cgroup working set (gVisor: the whole sandbox)
	available  float64 // MiB: fall of the host's MemAvailable per pod (noisy)
}

// idleMemory starts n idle pods (`podtest serve`) and measures their memory.
func idleMemory(t *testing.T, r *Runtime, img testimage.Image, n int) podMemory {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var ids []string
	for i := range n {
		s := runtime.PodSpec{ID: fmt.Sprintf("mem-%d-%d", time.Now().UnixNano()%100000, i), Containers: []runtime.Container{{
			Name: "web", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
			Resources: runtime.Resources{CPUMillis: 100, MemoryMiB: 128},
		}}}
		if err := r.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
		t.Cleanup(func() { r.Delete(context.Background(), s.ID, 0) })
		if err := r.Start(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		st, _ := r.Status(ctx, s.ID)
		if _, err := waitHTTP(ctx, "http://"+st.IP+":8080/"); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2 * time.Second)
	var m podMemory
	for _, id := range ids {
		u, err := r.Usage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		m.workingSet += float64(u.MemoryWorkingSetBytes) / (1 << 20) / float64(n)
	}
	m.pss = float64(pssSum(r.shimTrees())) / (1 << 20) / float64(n)
	for _, id := range ids {
		r.Delete(ctx, id, 0)
	}
	return m
}

// shimTrees returns the PIDs of our namespace's shims and of every process
// below them.
func (r *Runtime) shimTrees() []int {
	shims, _ := r.benchProcs()
	children := map[int][]int{}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", p.Name(), "stat")); err == nil {
			f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+2:]))
			pp, _ := strconv.Atoi(f[1])
			children[pp] = append(children[pp], pid)
		}
	}
	out := slices.Clone(shims)
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}
