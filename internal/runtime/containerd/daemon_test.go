package containerd

import (
	"context"
	"os"
	"os/exec"
	goruntime "runtime"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/client"
)

func TestDaemonStartStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts containerd (skipped with -short)")
	}
	if _, err := exec.LookPath("containerd"); err != nil || os.Getuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("needs root and containerd")
		}
		t.Skip("needs root and containerd")
	}
	root, state := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t0 := time.Now()
	d, err := StartDaemon(ctx, DaemonConfig{Root: root, State: state})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("private containerd up in %v", time.Since(t0))
	c, err := client.New(d.Address())
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Version(ctx)
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("containerd %s", v.Version)
	// Supervision: a killed daemon comes back on the same socket.
	d.mu.Lock()
	d.cmd.Process.Kill()
	d.mu.Unlock()
	time.Sleep(200 * time.Millisecond)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := client.New(d.Address(), client.WithTimeout(time.Second))
		if err == nil {
			_, err = c.Version(ctx)
			c.Close()
		}
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("containerd not restarted: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestDaemonSurvivesThreadExits: containerd is not sent its parent-death
// signal when the OS thread that called StartDaemon ends. Go ends a thread
// whose goroutine exits locked to it (creating a network namespace does,
// once per pod); containerd used to get SIGTERM then, mid-deploy.
func TestDaemonSurvivesThreadExits(t *testing.T) {
	if testing.Short() {
		t.Skip("starts containerd (skipped with -short)")
	}
	if _, err := exec.LookPath("containerd"); err != nil || os.Getuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("needs root and containerd")
		}
		t.Skip("needs root and containerd")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var d *Daemon
	var err error
	done := make(chan struct{})
	root, state := t.TempDir(), t.TempDir()
	var start func()
	start = func() {
		goruntime.LockOSThread()
		if syscall.Gettid() == os.Getpid() {
			// The main thread is never ended (Go wedges it instead): start
			// from another one.
			goruntime.UnlockOSThread()
			go start()
			return
		}
		defer close(done) // still locked: this thread ends with the goroutine
		d, err = StartDaemon(ctx, DaemonConfig{Root: root, State: state})
	}
	go start()
	<-done
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	d.mu.Lock()
	pid := d.cmd.Process.Pid
	d.mu.Unlock()
	time.Sleep(500 * time.Millisecond)
	d.mu.Lock()
	now := d.cmd.Process.Pid
	d.mu.Unlock()
	if now != pid || syscall.Kill(pid, 0) != nil {
		t.Fatalf("containerd (pid %d) died when the thread that started it ended; now pid %d", pid, now)
	}
}
