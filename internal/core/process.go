package core

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"
)

// SocketPath is where a core of cfg serves.
func (cfg Config) SocketPath() string {
	if cfg.Socket != "" {
		return cfg.Socket
	}
	return filepath.Join(cfg.Dir, "core.sock")
}

// Serve runs a core on its socket until ctx is done: what `tpod enclave`
// does. ready, if set, is called once the socket accepts.
func Serve(ctx context.Context, cfg Config, ready func(path string)) error {
	c, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	srv, err := Listen(c, cfg.SocketPath())
	if err != nil {
		return err
	}
	defer os.Remove(srv.Path())
	if ready != nil {
		ready(srv.Path())
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Serve(gctx) })
	g.Go(func() error { return c.Run(gctx) })
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// Harden makes the calling process harder to read from outside: no core
// dumps and no ptrace or /proc/<pid>/mem access by processes of the same
// user without CAP_SYS_PTRACE (PR_SET_DUMPABLE 0), and files private to it
// (umask 077). `tpod enclave` calls it first thing.
func Harden() error {
	syscall.Umask(0o077)
	return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}

// ReadConfig reads a core's configuration, one JSON object, from r (a
// spawning daemon's pipe).
func ReadConfig(r *bufio.Reader) (Config, error) {
	var cfg Config
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("signing core configuration: %w", err)
	}
	return cfg, nil
}

// Process is a core running as a child process of the daemon.
type Process struct {
	Client *Client
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	done   chan error
}

// Spawn starts a core as a child process: cmd must run `tpod enclave
// --stdin` (or a test binary's equivalent), which reads cfg from its
// standard input and runs until that input closes. The child therefore
// exits with its daemon, however the daemon ends. Spawn returns once the
// core's socket accepts.
func Spawn(ctx context.Context, cmd *exec.Cmd, cfg Config) (*Process, error) {
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// No Pdeathsig: it fires when the forking thread exits, and Go ends
	// threads that a goroutine left locked (network namespace work does).
	// The closed pipe is the signal.
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the signing core: %w", err)
	}
	p := &Process{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	if _, err := stdin.Write(append(js, '\n')); err != nil {
		p.Stop()
		return nil, fmt.Errorf("configure the signing core: %w", err)
	}
	dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	go func() {
		select {
		case err := <-p.done:
			p.done <- err
			cancel() // it exited: stop waiting for its socket
		case <-dctx.Done():
		}
	}()
	cl, err := Dial(dctx, cfg.SocketPath())
	if err != nil {
		p.Stop()
		return nil, fmt.Errorf("the signing core did not come up: %w", err)
	}
	p.Client = cl
	return p, nil
}

// Stop closes the core's input (it exits after its current call) and
// waits for it, killing it after 10 s.
func (p *Process) Stop() error {
	if p.Client != nil {
		p.Client.Close()
	}
	p.stdin.Close()
	select {
	case err := <-p.done:
		p.done <- err
		return nil
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		return errors.New("the signing core did not stop in 10 s: killed")
	}
}

// Pid is the core process's ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// ServeStdin is the child's side of Spawn: it reads the configuration
// from stdin, serves, and stops when stdin closes or ctx is done.
func ServeStdin(ctx context.Context, stdin io.Reader, adjust func(*Config)) error {
	br := bufio.NewReader(stdin)
	cfg, err := ReadConfig(br)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(&cfg)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		io.Copy(io.Discard, br) // until the daemon closes it or dies
		cancel()
	}()
	return Serve(ctx, cfg, nil)
}
