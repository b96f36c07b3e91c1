package faults

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// smallDisk mounts a tmpfs of sizeMiB under the test's directory, a data
// disk the test can fill; it is unmounted at the end.
func smallDisk(t *testing.T, name string, sizeMiB int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("tpf-%s-%08x", name, crc32.ChecksumIEEE([]byte(t.Name()+time.Now().String()))))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%dm,mode=0700", sizeMiB)); err != nil {
		t.Fatalf("mount a small data disk: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes zeros into path until the disk is full.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(f, zeroReader{})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling the disk: %v after %d bytes", err, n)
	}
	return n
}

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) { clear(b); return len(b), nil }

// TestDataDiskFull fills the provider's data disk under load. The provider
// raises an alert (tpod_provider_disk_full, an error in its log), refuses
// new orders saying why, and goes on serving, metering and billing its pods
// (its reserve, released, gives its state room). Once space is freed the
// alert clears and orders are taken again.
func TestDataDiskFull(t *testing.T) {
	disk := smallDisk(t, "disk", 1024)
	n := newNet(t, netConfig{name: "disk", dataDir: disk})
	deps := n.deployHello(t, 2)
	tr := n.startTraffic(hostsOf(deps), 4, 50*time.Millisecond)
	n.waitClaims(t, 1, time.Minute)
	runs := n.runs(t, deps)

	filled := fill(t, filepath.Join(disk, "filler"))
	t.Logf("filled the data disk with %d MiB", filled>>20)
	waitFor(t, 10*time.Second, "the disk-full alert", func() bool {
		v, err := n.prov.metric("tpod_provider_disk_full")
		return err == nil && v == 1
	})
	if !n.prov.logHas(`ALERT: the data disk is full`) {
		t.Error("no alert in the provider's log")
	}
	// An order now is refused, clearly.
	pb := n.newPublisher(t)
	manifest := n.manifest(t, "hello", helloPod("hello", 1, ""))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	r := pb.run(ctx, pb.deployArgs(manifest, "1000000000000")...)
	cancel()
	if r.err == nil || !strings.Contains(r.stderr, "data disk is full") {
		t.Errorf("a deploy to a provider whose disk is full: %s", r)
	}
	// Billing goes on: meter rounds and receipts are written to the disk.
	n.waitClaims(t, 3, time.Minute)

	n.checkNotRestarted(t, deps, runs)
	if err := os.Remove(filepath.Join(disk, "filler")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the alert to clear", func() bool {
		v, err := n.prov.metric("tpod_provider_disk_full")
		return err == nil && v == 0
	})
	pb2 := n.newPublisher(t)
	d := pb2.deploy(t, manifest, "1000000000000")
	n.waitServing(t, d, 30*time.Second)
	deps = append(deps, d)
	stats := tr.Stop()
	t.Logf("traffic: %s", summary(stats))
	checkServed(t, stats, servingGap)
	n.finish(t, deps...)
}
