package containerd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/containerd/cgroups/v3/cgroup1/stats"
	v2 "github.com/containerd/cgroups/v3/cgroup2/stats"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/typeurl/v2"
	"google.golang.org/protobuf/types/known/anypb"

	"github.com/trustedpods/tpod/internal/runtime"
)

func metric(t *testing.T, v any) *types.Metric {
	t.Helper()
	a, err := typeurl.MarshalAny(v)
	if err != nil {
		t.Fatal(err)
	}
	return &types.Metric{ID: "x", Data: &anypb.Any{TypeUrl: a.GetTypeUrl(), Value: a.GetValue()}}
}

func TestDecodeMetrics(t *testing.T) {
	m1 := metric(t, &v1.Metrics{
		CPU:    &v1.CPUStat{Usage: &v1.CPUUsage{Total: 1234}},
		Memory: &v1.MemoryStat{Usage: &v1.MemoryEntry{Usage: 100 << 20}, TotalInactiveFile: 30 << 20},
	})
	if m1.Data.TypeUrl != "io.containerd.cgroups.v1.Metrics" {
		t.Fatalf("v1 type url %q", m1.Data.TypeUrl)
	}
	cpu, ws, err := DecodeMetrics(m1)
	if err != nil || cpu != 1234 || ws != 70<<20 {
		t.Fatalf("v1: %d %d %v", cpu, ws, err)
	}
	m2 := metric(t, &v2.Metrics{
		CPU:    &v2.CPUStat{UsageUsec: 5},
		Memory: &v2.MemoryStat{Usage: 10 << 20, InactiveFile: 20 << 20},
	})
	cpu, ws, err = DecodeMetrics(m2)
	if err != nil || cpu != 5000 || ws != 0 {
		t.Fatalf("v2: %d %d %v", cpu, ws, err)
	}
	if _, _, err := DecodeMetrics(&types.Metric{}); !errors.Is(err, runtime.ErrInvalid) {
		t.Fatalf("empty: %v", err)
	}
}

func TestCheckSubnetFree(t *testing.T) {
	// The host's own routes (eth0 and the like) must not be taken.
	if err := checkSubnetFree("192.0.2.0/24", "tpod-none"); err == nil {
		t.Log("192.0.2.0/24 is free here (no route on it)")
	}
	if err := checkSubnetFree("172.31.254.0/24", "x"); err != nil {
		t.Fatalf("unused subnet refused: %v", err)
	}
}

func TestCapLog(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.log")
	data := bytes.Repeat([]byte("0123456789"), 100)
	os.WriteFile(p, data, 0o600)
	capLog(p, 2000)
	if b, _ := os.ReadFile(p); len(b) != 1000 {
		t.Fatalf("under the cap: %d bytes", len(b))
	}
	capLog(p, 500)
	b, _ := os.ReadFile(p)
	if !bytes.Equal(b, data[750:]) {
		t.Fatalf("after cap: %d bytes %q", len(b), b[:10])
	}
}
