package containerd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"syscall"
	"time"
)

// DaemonConfig configures a private containerd that the provider starts and
// supervises.
type DaemonConfig struct {
	// Binary is the containerd executable ("containerd" on PATH if empty).
	Binary string
	// Root holds containerd's persistent data (content, snapshots, metadata).
	Root string
	// State holds its runtime state and the socket (usually under /run).
	State string
	// Logger receives the supervisor's messages.
	Logger *slog.Logger
}

// Daemon is a private containerd: its own root, state and socket, the CRI
// plugin disabled. It is restarted if it exits until Stop is called. Pods
// survive a daemon restart (their shims keep running).
type Daemon struct {
	cfg     DaemonConfig
	address string
	log     *slog.Logger

	mu      sync.Mutex
	cmd     *exec.Cmd
	stopped bool
	exited  chan struct{}
	done    chan struct{}
}

// StartDaemon writes the config, starts containerd, waits for its socket and
// returns. Use Address for Config.Address.
func StartDaemon(ctx context.Context, cfg DaemonConfig) (*Daemon, error) {
	if cfg.Root == "" || cfg.State == "" {
		return nil, fmt.Errorf("containerd daemon: root and state are required")
	}
	if cfg.Binary == "" {
		cfg.Binary = "containerd"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	for _, d := range []string{cfg.Root, cfg.State} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	d := &Daemon{cfg: cfg, address: filepath.Join(cfg.State, "containerd.sock"),
		log: cfg.Logger.With("component", "containerd-daemon"), done: make(chan struct{})}
	conf := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = %q
[ttrpc]
  address = %q
[plugins."io.containerd.internal.v1.opt"]
  path = %q
`, filepath.Join(cfg.Root, "root"), filepath.Join(cfg.State, "state"), d.address, d.address+".ttrpc", filepath.Join(cfg.Root, "opt"))
	if err := os.WriteFile(filepath.Join(cfg.State, "config.toml"), []byte(conf), 0o600); err != nil {
		return nil, err
	}
	if err := d.spawn(ctx); err != nil {
		return nil, err
	}
	go d.supervise()
	return d, nil
}

// Address is the daemon's socket.
func (d *Daemon) Address() string { return d.address }

func (d *Daemon) spawn(ctx context.Context) error {
	os.Remove(d.address)
	logf, err := os.OpenFile(filepath.Join(d.cfg.State, "containerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(d.cfg.Binary, "--config", filepath.Join(d.cfg.State, "config.toml"))
	cmd.Stdout, cmd.Stderr = logf, logf
	// Own process group: a terminal's ^C reaches us, and we stop it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	// Pdeathsig is sent when the OS thread that started the child ends,
	// not the process, and Go ends a thread whose goroutine exits locked
	// to it — as creating a pod's network namespace does. containerd got
	// that SIGTERM while 20 pods were being deployed at once. So the
	// thread that starts it is locked to this goroutine until containerd
	// exits.
	exited, started := make(chan struct{}), make(chan error, 1)
	go func() {
		goruntime.LockOSThread()
		defer goruntime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		cmd.Wait()
		logf.Close()
		close(exited)
	}()
	if err := <-started; err != nil {
		logf.Close()
		return fmt.Errorf("start containerd: %w", err)
	}
	d.mu.Lock()
	d.cmd, d.exited = cmd, exited
	d.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("unix", d.address); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("containerd exited at start; see %s", filepath.Join(d.cfg.State, "containerd.log"))
		case <-ctx.Done():
			cmd.Process.Kill()
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	cmd.Process.Kill()
	return fmt.Errorf("containerd socket %s did not appear", d.address)
}

func (d *Daemon) supervise() {
	defer close(d.done)
	backoff := 100 * time.Millisecond
	for {
		d.mu.Lock()
		exited := d.exited
		d.mu.Unlock()
		<-exited
		d.mu.Lock()
		stopped := d.stopped
		d.mu.Unlock()
		if stopped {
			return
		}
		d.log.Warn("containerd exited; restarting", "backoff", backoff)
		time.Sleep(backoff)
		if err := d.spawn(context.Background()); err != nil {
			d.log.Error("restart containerd", "err", err)
			backoff = min(backoff*2, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
	}
}

// Stop terminates containerd (SIGTERM, then SIGKILL after 5 s). Running pods'
// shims are left alone.
func (d *Daemon) Stop() error {
	d.mu.Lock()
	d.stopped = true
	cmd, exited := d.cmd, d.exited
	d.mu.Unlock()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	<-d.done
	return nil
}
