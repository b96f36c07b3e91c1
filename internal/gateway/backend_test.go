package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The pod backends of these tests are real processes: the test binary
// re-executed with TPOD_GW_POD set, serving HTTP (and a TCP echo port) on
// 127.0.0.1. procBackend starts and stops them the way the provider starts
// and stops a pod's containers.

const (
	envPod   = "TPOD_GW_POD"   // HTTP listen address of the child
	envEcho  = "TPOD_GW_ECHO"  // TCP echo listen address of the child
	envDelay = "TPOD_GW_DELAY" // startup delay before listening
	envCrash = "TPOD_GW_CRASH" // exit at once with status 3
)

func TestMain(m *testing.M) {
	if addr := os.Getenv(envPod); addr != "" {
		os.Exit(podMain(addr))
	}
	if addr := os.Getenv(envProxy); addr != "" {
		os.Exit(proxyMain(addr))
	}
	os.Exit(m.Run())
}

// podMain is the child process: a small web app.
func podMain(addr string) int {
	if os.Getenv(envCrash) != "" {
		return 3
	}
	if d, err := time.ParseDuration(os.Getenv(envDelay)); err == nil {
		time.Sleep(d)
	}
	if echo := os.Getenv(envEcho); echo != "" {
		ln, err := net.Listen("tcp", echo)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pod echo:", err)
			return 1
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() { defer c.Close(); io.Copy(c, c) }()
			}
		}()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pod %d path=%s host=%s xff=%s proto=%s",
			os.Getpid(), r.URL.Path, r.Host, r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Proto"))
	})
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	})
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d")) // service time of an I/O-bound app
		time.Sleep(d)
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		time.Sleep(d)
		io.WriteString(w, "slow done")
	})
	up := websocket.Upgrader{}
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if c.WriteMessage(mt, append([]byte("echo "), msg...)) != nil {
				return
			}
		}
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "pod:", err)
		return 1
	}
	return 0
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// procBackend runs one pod process per pod ID.
type procBackend struct {
	t        testing.TB
	delay    time.Duration
	crash    bool  // the process exits at once
	startErr error // Start fails with this
	echo     bool  // also serve a TCP echo port

	mu     sync.Mutex
	procs  map[string]*exec.Cmd
	ports  map[string]int
	echoes map[string]int
	starts atomic.Int32
	stops  atomic.Int32
}

func newProcBackend(t testing.TB) *procBackend {
	b := &procBackend{t: t, procs: map[string]*exec.Cmd{}, ports: map[string]int{}, echoes: map[string]int{}}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for id, c := range b.procs {
			c.Process.Kill()
			c.Wait()
			delete(b.procs, id)
		}
	})
	return b
}

// port reserves the HTTP (and echo) port of a pod.
func (b *procBackend) port(podID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.ports[podID]; ok {
		return p
	}
	b.ports[podID] = freePort(b.t)
	b.echoes[podID] = freePort(b.t)
	return b.ports[podID]
}

func (b *procBackend) echoPort(podID string) int {
	b.port(podID)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.echoes[podID]
}

func (b *procBackend) Start(ctx context.Context, podID string) (string, error) {
	b.starts.Add(1)
	if b.startErr != nil {
		return "", b.startErr
	}
	port := b.port(podID)
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.procs[podID]; c != nil {
		return "127.0.0.1", nil // idempotent
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envPod+"=127.0.0.1:"+strconv.Itoa(port), envDelay+"="+b.delay.String())
	if b.echo {
		cmd.Env = append(cmd.Env, envEcho+"=127.0.0.1:"+strconv.Itoa(b.echoes[podID]))
	}
	if b.crash {
		cmd.Env = append(cmd.Env, envCrash+"=1")
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", err
	}
	b.procs[podID] = cmd
	return "127.0.0.1", nil
}

func (b *procBackend) Stop(ctx context.Context, podID string) error {
	b.stops.Add(1)
	b.mu.Lock()
	c := b.procs[podID]
	delete(b.procs, podID)
	b.mu.Unlock()
	if c == nil {
		return nil
	}
	c.Process.Signal(syscall.SIGTERM)
	err := c.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		err = nil // killed by the signal, or crashed earlier
	}
	return err
}

// running tells whether the pod's process is alive.
func (b *procBackend) running(podID string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.procs[podID] != nil
}

// TestReadyPollDelay: readiness is polled often at first and a twentieth of
// the time waited later, so a wake is late by at most 5 % past the app's
// listen (or 1 ms), and a slow start costs at most 50 connects a second.
func TestReadyPollDelay(t *testing.T) {
	for waited, want := range map[time.Duration]time.Duration{
		0: time.Millisecond, 10 * time.Millisecond: time.Millisecond, 100 * time.Millisecond: 5 * time.Millisecond,
		time.Second: 20 * time.Millisecond, time.Minute: 20 * time.Millisecond,
	} {
		if got := readyPollDelay(waited); got != want {
			t.Errorf("after %v: %v, want %v", waited, got, want)
		}
	}
	polls, at := 0, time.Duration(0)
	for at < 10*time.Second {
		at += readyPollDelay(at)
		polls++
	}
	if polls > 600 {
		t.Errorf("%d polls in 10 s", polls)
	}
}
