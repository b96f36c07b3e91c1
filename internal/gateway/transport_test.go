package gateway

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestTransport checks the proxy's pooled HTTP/1.1 client side against a real
// server that closes kept connections, streams, sends trailers and misbehaves.
func TestTransport(t *testing.T) {
	var conns atomic.Int32
	cancelled := make(chan struct{}, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Method+" ok") })
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, "closing")
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		for i := range 3 {
			io.WriteString(w, strings.Repeat(string(rune('a'+i)), 10000))
			w.(http.Flusher).Flush()
		}
		w.Header().Set("X-Sum", "30000")
	})
	mux.HandleFunc("/bighdr", func(w http.ResponseWriter, r *http.Request) {
		for i := range 40 {
			w.Header().Set("X-Big-"+string(rune('a'+i%26))+string(rune('a'+i/26)), strings.Repeat("x", 40000))
		}
		io.WriteString(w, "big")
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		for {
			if _, err := io.WriteString(w, strings.Repeat("s", 1000)); err != nil {
				break
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Millisecond):
				continue
			}
			break
		}
		cancelled <- struct{}{}
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).EnableFullDuplex()
		io.Copy(w, r.Body)
	})
	newServer := func(idle time.Duration) *net.TCPAddr {
		srv := httptest.NewUnstartedServer(mux)
		srv.Config.IdleTimeout = idle
		srv.Config.MaxHeaderBytes = 1 << 20
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				conns.Add(1)
			}
		}
		srv.Start()
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().(*net.TCPAddr)
	}
	a := newServer(0)
	drop := newServer(50 * time.Millisecond) // drops kept connections quickly

	g, _ := startGateway(t, Config{})
	if err := g.AddRoute(Route{PodID: "p", Hostnames: []string{"p.example.com"}, Host: a.IP.String(), HTTPPort: a.Port, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string) (*http.Response, string) {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, "http://"+g.HTTPAddr().String()+path, rd)
		req.Host = "p.example.com"
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}

	// Back-to-back requests share one connection to the pod.
	for range 20 {
		if resp, body := do("GET", "/", ""); resp.StatusCode != 200 || body != "GET ok" {
			t.Fatalf("%d %q", resp.StatusCode, body)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 sequential requests used %d pod connections", n)
	}
	// After the pod closed the kept connection, requests (also ones that
	// cannot be replayed) still succeed.
	if err := g.UpdateRoute(Route{PodID: "p", Hostnames: []string{"p.example.com"}, Host: drop.IP.String(), HTTPPort: drop.Port, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	do("GET", "/", "")
	for _, m := range []string{"GET", "DELETE", "POST"} {
		time.Sleep(150 * time.Millisecond)
		if resp, body := do(m, "/", ""); resp.StatusCode != 200 || body != m+" ok" {
			t.Errorf("%s after the pod's idle close: %d %q", m, resp.StatusCode, body)
		}
	}
	// Trailers, 204, HEAD, Connection: close, a body.
	resp, body := do("GET", "/chunked", "")
	if len(body) != 30000 || resp.Trailer.Get("X-Sum") != "30000" {
		t.Errorf("chunked: %d bytes, trailer %q", len(body), resp.Trailer.Get("X-Sum"))
	}
	if resp, _ := do("GET", "/nocontent", ""); resp.StatusCode != 204 {
		t.Errorf("204: %d", resp.StatusCode)
	}
	if resp, body := do("HEAD", "/", ""); resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD: %d %q", resp.StatusCode, body)
	}
	for range 2 {
		if resp, body := do("GET", "/close", ""); resp.StatusCode != 200 || body != "closing" {
			t.Errorf("close: %d %q", resp.StatusCode, body)
		}
	}
	big := strings.Repeat("0123456789", 100000)
	if resp, body := do("POST", "/echo", big); resp.StatusCode != 200 || body != big {
		t.Errorf("echo: %d, %d bytes", resp.StatusCode, len(body))
	}
	// A pod's oversized response header is refused.
	if resp, _ := do("GET", "/bighdr", ""); resp.StatusCode != 502 {
		t.Errorf("1.6 MB response header: %d, want 502", resp.StatusCode)
	}
	// A client leaving mid-stream ends the pod's request, and the pool stays sound.
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+g.HTTPAddr().String()+"/stream", nil)
	req.Host = "p.example.com"
	sresp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadFull(sresp.Body, make([]byte, 5000))
	cancel()
	sresp.Body.Close()
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Error("pod request not ended after the client left")
	}
	if resp, body := do("GET", "/", ""); resp.StatusCode != 200 || body != "GET ok" {
		t.Errorf("after a cancelled stream: %d %q", resp.StatusCode, body)
	}
}
