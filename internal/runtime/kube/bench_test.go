package kube

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
)

// TestKubeBenchReport measures each operation of the backend against the
// envtest API server (object writes and reads only: no kubelet) and, with
// TPOD_BENCH_WRITE=1, rewrites the "## Kubernetes backend" section of
// docs/benchmarks.md (scripts/bench.sh).
func TestKubeBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	needCluster(t)
	ctx := context.Background()
	reg := testRegistry(t)
	r := newRuntime(t, Config{Instance: "bench", Images: reg})
	archive, img := imageArchive(t)
	const n = 30
	ops := []string{"Create (image push, 12 objects)", "Start", "Status", "Usage", "Stop", "Delete"}
	lat := map[string][]time.Duration{}
	timed := func(op string, f func() error) {
		start := time.Now()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		lat[op] = append(lat[op], time.Since(start))
	}
	for i := range n {
		spec := webSpec(fmt.Sprintf("bench-%d", i), archive, digestOf(t, img))
		timed(ops[0], func() error { return r.Create(ctx, spec) })
		timed(ops[1], func() error { return r.Start(ctx, spec.ID) })
		timed(ops[2], func() error { _, err := r.Status(ctx, spec.ID); return err })
		timed(ops[3], func() error { _, err := r.Usage(ctx, spec.ID); return err })
		timed(ops[4], func() error { return r.Stop(ctx, spec.ID, time.Second) })
		timed(ops[5], func() error { return r.Delete(ctx, spec.ID, time.Second) })
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "`TPOD_BENCH=1 go test -run TestKubeBenchReport ./internal/runtime/kube` on %s. "+
		"envtest: kube-apiserver v1.34.4 + etcd on 127.0.0.1, the backend impersonating the provider's service account "+
		"(RBAC + admission policy). No kubelet, so this is the API side only: object writes and reads, not container start. "+
		"Pod: two containers, persistent + emptyDir + secret volumes, a 2-layer image pushed to the in-process registry. %d pods, one after another.\n\n",
		benchdoc.Machine(), n)
	sb.WriteString("| operation | mean | p50 | max |\n|---|---|---|---|\n")
	for _, op := range ops {
		l := lat[op]
		slices.Sort(l)
		var sum time.Duration
		for _, d := range l {
			sum += d
		}
		fmt.Fprintf(&sb, "| %s | %.1f ms | %.1f ms | %.1f ms |\n", op, float64(sum/time.Duration(len(l)))/1e6, float64(l[len(l)/2])/1e6, float64(l[len(l)-1])/1e6)
	}
	sb.WriteString("\nOther builds share the 2 cores; figures vary with their load.\n")
	t.Log("\n" + sb.String())
	if os.Getenv("TPOD_BENCH_WRITE") == "" {
		return
	}
	if err := benchdoc.WriteSection("## Kubernetes backend", sb.String()); err != nil {
		t.Fatal(err)
	}
}
