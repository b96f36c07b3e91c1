package gateway

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The throughput benchmark compares the gateway with the reverse proxies a
// user would otherwise put in front of a pod: Debian's nginx and HAProxy.
// Each proxy is its own process in front of the same backend process, so
// that every one is measured the same way (its CPU from /proc).

const (
	envProxy     = "TPOD_GW_PROXY"      // gateway child: HTTP listen address
	envProxyPod  = "TPOD_GW_PROXY_POD"  // gateway child: the pod's host:port
	envProxyHost = "TPOD_GW_PROXY_HOST" // gateway child: the hostname routed to it
	envProxyStat = "TPOD_GW_PROXY_STAT" // gateway child: address of its stats listener
)

// proxyMain is the gateway child: one always-running pod behind a gateway.
func proxyMain(addr string) int {
	host, port, err := net.SplitHostPort(os.Getenv(envProxyPod))
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	p, _ := strconv.Atoi(port)
	g, err := New(Config{HTTPAddr: addr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	if err := g.AddRoute(Route{PodID: "bench", Hostnames: []string{os.Getenv(envProxyHost)}, Host: host, HTTPPort: p, Scale: Scale{Min: 1}}); err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	// Counters of the fast path, on a listener of their own.
	stat, err := net.Listen("tcp", os.Getenv(envProxyStat))
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	// Its counters, and pprof (to profile it under a peer's load).
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d %d", g.fast.served.Load(), g.fast.handedOff.Load())
	})
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go http.Serve(stat, mux)
	if err := g.Run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "proxy:", err)
		return 1
	}
	return 0
}

// proxyProc is a running proxy: where to send requests, and how to read
// its CPU time.
type proxyProc struct {
	name    string
	addr    string // host:port
	cmd     *exec.Cmd
	statURL string // gateway only: fast-path counters
}

// cpu is the user+system time of the proxy's process and its children
// (nginx's workers).
func (p *proxyProc) cpu(t *testing.T) time.Duration {
	return treeCPU(t, p.cmd.Process.Pid)
}

func treeCPU(t *testing.T, pid int) time.Duration {
	total := cpuOf(t, pid)
	for _, c := range children(pid) {
		total += treeCPU(t, c)
	}
	return total
}

// children lists the child processes of pid, from every thread's
// children file.
func children(pid int) []int {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	var out []int
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(s); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// counters reads the gateway child's fast-path counters.
func (p *proxyProc) counters(t *testing.T) (served, handedOff int64) {
	if p.statURL == "" {
		return 0, 0
	}
	resp, err := http.Get(p.statURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	fmt.Fscan(resp.Body, &served, &handedOff)
	return served, handedOff
}

func startProxy(t *testing.T, cmd *exec.Cmd, name, addr string) *proxyProc {
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	})
	waitFor(t, name+" listening", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return &proxyProc{name: name, addr: addr, cmd: cmd}
}

func startGatewayProc(t *testing.T, pod, host string) *proxyProc {
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	stat := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envProxy+"="+addr, envProxyPod+"="+pod, envProxyHost+"="+host, envProxyStat+"="+stat)
	p := startProxy(t, cmd, "gateway", addr)
	p.statURL = "http://" + stat + "/"
	return p
}

// nginxConf is nginx as a tuned reverse proxy: a worker per core, kept
// connections to the pod, no access log, the same X-Forwarded-* headers
// as the gateway.
const nginxConf = `daemon off;
master_process on;
worker_processes auto;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events {
	worker_connections 4096;
	multi_accept on;
}
http {
	access_log off;
	client_body_temp_path %[1]s/body;
	proxy_temp_path %[1]s/proxy;
	fastcgi_temp_path %[1]s/fastcgi;
	uwsgi_temp_path %[1]s/uwsgi;
	scgi_temp_path %[1]s/scgi;
	keepalive_requests 1000000;
	keepalive_timeout 120s;
	upstream pod {
		server %[3]s;
		keepalive 256;
		keepalive_requests 1000000;
	}
	server {
		listen %[2]s reuseport;
		location / {
			proxy_pass http://pod;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $host;
			proxy_set_header X-Forwarded-For $remote_addr;
			proxy_set_header X-Forwarded-Host $host;
			proxy_set_header X-Forwarded-Proto $scheme;
		}
	}
}
`

func startNginx(t *testing.T, pod string) *proxyProc {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		bin = "/usr/sbin/nginx"
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("nginx not installed (scripts/deps.sh installs it)")
		}
	}
	dir := t.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, dir, addr, pod), 0o644); err != nil {
		t.Fatal(err)
	}
	// -p: the prefix, so that nothing is written outside dir; -e: the
	// error log before the configuration is read.
	return startProxy(t, exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", conf), "nginx", addr)
}

// haproxyConf is HAProxy as a tuned reverse proxy: a thread per core,
// kept connections to the pod shared between client connections
// (http-reuse always), the same X-Forwarded-For as the gateway.
const haproxyConf = `global
	nbthread %[3]d
	maxconn 8000
	log stderr format raw local0 err
defaults
	mode http
	option http-keep-alive
	option forwardfor
	http-reuse always
	timeout connect 5s
	timeout client 120s
	timeout server 120s
	timeout http-keep-alive 120s
frontend web
	bind %[1]s
	http-request set-header X-Forwarded-Host %%[req.hdr(host)]
	http-request set-header X-Forwarded-Proto http
	default_backend pod
backend pod
	server pod %[2]s
`

func startHAProxy(t *testing.T, pod string) *proxyProc {
	bin, err := exec.LookPath("haproxy")
	if err != nil {
		bin = "/usr/sbin/haproxy"
		if _, err := os.Stat(bin); err != nil {
			t.Fatal("haproxy not installed (scripts/deps.sh installs it)")
		}
	}
	dir := t.TempDir()
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	conf := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(conf, fmt.Appendf(nil, haproxyConf, addr, pod, numCPU()), 0o644); err != nil {
		t.Fatal(err)
	}
	// -db: stay in the foreground; -W would add a master process.
	return startProxy(t, exec.Command(bin, "-db", "-f", conf), "haproxy", addr)
}
