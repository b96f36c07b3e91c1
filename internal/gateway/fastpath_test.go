package gateway

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/textproto"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
)

// rawPod is a pod that records what it received and answers each request
// with the bytes respond returns (close: close the connection after).
type rawPod struct {
	mu    sync.Mutex
	reqs  []string // "conn# METHOD target" per request
	heads []http.Header
	conns int
}

func newRawPod(t *testing.T, respond func(n int, r *http.Request) (resp string, close bool)) (*rawPod, int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	rp := &rawPod{}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			rp.mu.Lock()
			rp.conns++
			id := rp.conns
			rp.mu.Unlock()
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, r.Body)
					rp.mu.Lock()
					n := len(rp.reqs)
					rp.reqs = append(rp.reqs, fmt.Sprintf("%d %s %s", id, r.Method, r.RequestURI))
					h := r.Header.Clone()
					h.Set("Host", r.Host)
					rp.heads = append(rp.heads, h)
					rp.mu.Unlock()
					resp, cl := respond(n, r)
					c.Write([]byte(resp))
					if cl {
						return
					}
				}
			}()
		}
	}()
	return rp, ln.Addr().(*net.TCPAddr).Port
}

func (rp *rawPod) got() []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return slices.Clone(rp.reqs)
}

// rawGateway is a gateway with one running pod at port, and its host name.
func rawGateway(t *testing.T, port int, cfg Config) (*Gateway, string) {
	g, _ := startGateway(t, cfg)
	if err := g.AddRoute(Route{PodID: "raw", Host: "127.0.0.1", HTTPPort: port, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	return g, genHost(t, "raw")
}

// exchange writes raw to the gateway and reads n responses (HEAD for the
// methods named in heads), then whatever else comes until the gateway closes
// or a short quiet time.
func exchange(t *testing.T, g *Gateway, raw string, methods ...string) ([]*http.Response, []string) {
	t.Helper()
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var resps []*http.Response
	var bodies []string
	for _, m := range methods {
		resp, err := http.ReadResponse(br, &http.Request{Method: m})
		if err != nil {
			t.Fatalf("response %d: %v", len(resps)+1, err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("response %d body: %v", len(resps)+1, err)
		}
		resps = append(resps, resp)
		bodies = append(bodies, string(b))
	}
	return resps, bodies
}

func TestFastPathMatchesSlowPath(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var sb strings.Builder
		fmt.Fprintf(&sb, "%s %s %s host=%s\n", r.Method, r.RequestURI, r.Proto, r.Host)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range r.Header {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range keys {
			fmt.Fprintf(&sb, "%s: %q\n", k, r.Header[k])
		}
		w.Header().Set("Connection", "X-Hop")
		w.Header().Set("X-Hop", "1")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("X-Kept", "yes")
		w.Header().Set("Content-Length", strconv.Itoa(sb.Len()))
		io.WriteString(w, sb.String())
	}))
	t.Cleanup(srv.Close)
	g, host := rawGateway(t, srv.Listener.Addr().(*net.TCPAddr).Port, Config{})
	req := "GET /a/b%20c?x=1&y=2 HTTP/1.1\r\nHost: " + host + "\r\nConnection: keep-alive\r\nX-Forwarded-For: 6.6.6.6\r\n" +
		"Forwarded: for=6.6.6.6\r\nX-Forwarded-Host: evil\r\nX-Forwarded-Proto: https\r\nX-Multi: a\r\nX-Multi: b\r\nAccept: */*\r\n\r\n"
	run := func(off bool) (*http.Response, string) {
		g.fast.off.Store(off)
		resps, bodies := exchange(t, g, req, "GET")
		return resps[0], bodies[0]
	}
	before := g.fast.served.Load()
	fr, fb := run(false)
	if g.fast.served.Load() != before+1 {
		t.Fatal("not served by the fast path")
	}
	sr, sb := run(true)
	if fb != sb {
		t.Errorf("pod saw\nfast: %s\nslow: %s", fb, sb)
	}
	if !strings.Contains(fb, `X-Forwarded-For: ["127.0.0.1"]`) || !strings.Contains(fb, `X-Forwarded-Proto: ["http"]`) ||
		!strings.Contains(fb, `X-Forwarded-Host: ["`+host+`"]`) || strings.Contains(fb, "Forwarded: [") && !strings.Contains(fb, "X-Forwarded") ||
		strings.Contains(fb, "Connection") || strings.Contains(fb, "6.6.6.6") {
		t.Errorf("forwarded headers: %s", fb)
	}
	for _, h := range []http.Header{fr.Header, sr.Header} {
		h.Del("Date")
	}
	if fmt.Sprint(fr.StatusCode, fr.Header) != fmt.Sprint(sr.StatusCode, sr.Header) {
		t.Errorf("client saw\nfast: %d %v\nslow: %d %v", fr.StatusCode, fr.Header, sr.StatusCode, sr.Header)
	}
	if fr.Header.Get("X-Hop") != "" || fr.Header.Get("Keep-Alive") != "" || fr.Header.Get("X-Kept") != "yes" {
		t.Errorf("hop-by-hop response headers: %v", fr.Header)
	}
}

func TestFastPathPipelinedAndSwitch(t *testing.T) {
	rp, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		b := r.Method + " " + r.RequestURI
		return "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(b)) + "\r\n\r\n" + b, false
	})
	g, host := rawGateway(t, port, Config{})
	get := func(p string) string { return "GET " + p + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n" }
	// Three pipelined requests, then one with a body that net/http takes
	// over, then one more it serves.
	raw := get("/1") + get("/2") + get("/3") +
		"POST /4 HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 3\r\n\r\nxyz" + get("/5")
	_, bodies := exchange(t, g, raw, "GET", "GET", "GET", "POST", "GET")
	if want := "[GET /1 GET /2 GET /3 POST /4 GET /5]"; fmt.Sprint(bodies) != want {
		t.Errorf("bodies %v, want %s", bodies, want)
	}
	if s, h := g.fast.served.Load(), g.fast.handedOff.Load(); s != 3 || h != 1 {
		t.Errorf("fast %d handed off %d, want 3 and 1", s, h)
	}
	if n := len(rp.got()); n != 5 {
		t.Errorf("pod got %v", rp.got())
	}
}

func TestFastPathResponseFraming(t *testing.T) {
	responses := map[string]string{
		"/chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n5;ext=1;q=\"a\"\r\nhello\r\n6\r\n world\r\n0\r\nX-T: v\r\n\r\n",
		"/head":    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
		"/204":     "HTTP/1.1 204 No Content\r\n\r\n",
		"/304":     "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n",
		"/cl":      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
		"/100":     "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	}
	rp, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		if r.URL.Path == "/close" {
			return "HTTP/1.1 200 OK\r\n\r\nuntil close", true
		}
		return responses[r.URL.Path], false
	})
	g, host := rawGateway(t, port, Config{})
	req := func(m, p string) string { return m + " " + p + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n" }
	raw := req("GET", "/chunked") + req("HEAD", "/head") + req("GET", "/204") + req("GET", "/304") + req("GET", "/100") + req("GET", "/cl")
	resps, bodies := exchange(t, g, raw, "GET", "HEAD", "GET", "GET", "GET", "GET")
	if bodies[0] != "hello world" || resps[0].Trailer.Get("X-T") != "v" {
		t.Errorf("chunked: %q trailer %v", bodies[0], resps[0].Trailer)
	}
	if resps[1].ContentLength != 5 || bodies[1] != "" {
		t.Errorf("HEAD: %d %q", resps[1].ContentLength, bodies[1])
	}
	if resps[2].StatusCode != 204 || resps[3].StatusCode != 304 || resps[3].Header.Get("ETag") != `"x"` {
		t.Errorf("204/304: %d %d %v", resps[2].StatusCode, resps[3].StatusCode, resps[3].Header)
	}
	if resps[4].StatusCode != 200 || bodies[4] != "ok" || bodies[5] != "abc" {
		t.Errorf("1xx then 200: %d %q; cl %q", resps[4].StatusCode, bodies[4], bodies[5])
	}
	// Each response was consumed exactly: all on one pod connection, but
	// for a new one after the HEAD whose response announced a body.
	if got := rp.got(); fmt.Sprint(got) != "[1 GET /chunked 1 HEAD /head 2 GET /204 2 GET /304 2 GET /100 2 GET /cl]" {
		t.Errorf("pod connections: %v", got)
	}
	// A close-delimited response: the gateway closes the client connection.
	resps, bodies = exchange(t, g, req("GET", "/close")+req("GET", "/cl"), "GET")
	if bodies[0] != "until close" || !resps[0].Close {
		t.Errorf("close-delimited: %q close=%v", bodies[0], resps[0].Close)
	}
	// Connection: close from the client.
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /cl HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
	c.SetDeadline(time.Now().Add(5 * time.Second))
	all, err := io.ReadAll(c)
	if err != nil || !bytes.Contains(all, []byte("Connection: close\r\n")) || !bytes.HasSuffix(all, []byte("abc")) {
		t.Errorf("Connection: close: %v %q", err, all)
	}
}

func TestFastPathMalformedRequests(t *testing.T) {
	rp, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false
	})
	g, host := rawGateway(t, port, Config{})
	// After a head net/http rejects, it closes the connection: the bytes
	// after it must never reach the pod. (After a head it accepts, as with
	// a chunked body or a folded line, they are the next request.)
	smuggle := "GET /smuggled HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
	rejected := map[string]bool{"two hosts": true, "nul": true, "space": true}
	cases := map[string]string{
		"cl+te":     "POST /a HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggle,
		"two hosts": "GET /a HTTP/1.1\r\nHost: " + host + "\r\nHost: other\r\n\r\n" + smuggle,
		"obs-fold":  "GET /a HTTP/1.1\r\nHost: " + host + "\r\nX-A: 1\r\n Content-Length: 30\r\n\r\n" + smuggle,
		"bare lf":   "GET /a HTTP/1.1\nHost: " + host + "\nContent-Length: 0\n\n",
		"cl 01":     "POST /a HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 01\r\n\r\nx",
		"cl dup":    "POST /a HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
		"nul":       "GET /a HTTP/1.1\r\nHost: " + host + "\r\nX-A: a\x00b\r\n\r\n",
		"http/1.0":  "GET /a HTTP/1.0\r\nHost: " + host + "\r\n\r\n",
		"space":     "GET /a HTTP/1.1\r\nHost: " + host + "\r\nX-A : b\r\n\r\n",
		"te only":   "GET /a HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggle,
	}
	served := g.fast.served.Load()
	for name, raw := range cases {
		if rejected[name] {
			raw += strings.Replace(smuggle, "/smuggled", "/smuggled-"+strings.ReplaceAll(name, " ", "-"), 1)
		}
		c, err := net.Dial("tcp", g.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		c.(*net.TCPConn).CloseWrite()
		out, _ := io.ReadAll(c)
		c.Close()
		t.Logf("%s: %q", name, firstLine(out))
	}
	if g.fast.served.Load() != served {
		t.Errorf("the fast path served %d malformed requests", g.fast.served.Load()-served)
	}
	for _, r := range rp.got() {
		if strings.Contains(r, "/smuggled-") {
			t.Errorf("pod got a request after a rejected head: %v", rp.got())
		}
	}
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

func TestFastPathBadResponse(t *testing.T) {
	rp, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		switch r.URL.Path {
		case "/bad":
			return "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", false
		case "/101":
			return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", false
		case "/fold":
			return "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\nContent-Length: 0\r\n\r\n", false
		case "/te10":
			return "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false
		case "/badchunk":
			return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false
	})
	g, host := rawGateway(t, port, Config{})
	for _, path := range []string{"/bad", "/101", "/fold", "/te10"} {
		code, _, _ := get(t, g, host, "/ok")
		if code != 200 {
			t.Fatal(code)
		}
		if code, _, body := get(t, g, host, path); code != http.StatusBadGateway {
			t.Errorf("%s: %d %q", path, code, body)
		}
	}
	// After a bad chunk the client connection is cut (the head was sent).
	req, _ := http.NewRequest("GET", "http://"+g.HTTPAddr().String()+"/badchunk", nil)
	req.Host = host
	if resp, err := client.Do(req); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Error("bad chunk: body read without error")
		}
	}
	get(t, g, host, "/ok")
	// Every bad response came on a pod connection that was then dropped: the
	// request after each is on a new connection.
	got := rp.got()
	conn := func(r string) string { return strings.Fields(r)[0] }
	for i := 1; i < len(got); i++ {
		if prev := got[i-1]; !strings.HasSuffix(prev, "/ok") && conn(prev) == conn(got[i]) {
			t.Errorf("pod connection reused after a bad response: %v", got)
		}
	}
}

func TestFastPathLimitsAndIdle(t *testing.T) {
	b := newProcBackend(t)
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	g, _ := startGateway(t, Config{Backend: b, Now: clk.Now, SweepInterval: time.Hour, MaxHeaderBytes: 1 << 10})
	if _, err := b.Start(t.Context(), "p"); err != nil {
		t.Fatal(err)
	}
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: time.Minute}}); err != nil {
		t.Fatal(err)
	}
	host := genHost(t, "p")
	waitFor(t, "pod up", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(b.port("p")))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	// A head over MaxHeaderBytes (+ net/http's 4 KiB slack) gets 431 from
	// net/http, within the fast path's buffer or not.
	for _, n := range []int{6 << 10, 20 << 10} {
		raw := "GET / HTTP/1.1\r\nHost: " + host + "\r\nX-Big: " + strings.Repeat("x", n) + "\r\n\r\n"
		c, err := net.Dial("tcp", g.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, raw)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		c.Close()
		if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("%d-byte header: %v %v", n, resp, err)
		}
	}
	// A request in flight on the fast path holds off the idle stop.
	served := g.fast.served.Load()
	slow := make(chan int)
	go func() { code, _, _ := get(t, g, host, "/slow?d=1s"); slow <- code }()
	waitFor(t, "request in flight", 10*time.Second, func() bool { _, n, _ := g.PodState("p"); return n == 1 })
	clk.Add(time.Hour)
	if s := g.SweepIdle(); len(s) != 0 {
		t.Errorf("stopped with a request in flight: %v", s)
	}
	if code := <-slow; code != 200 {
		t.Fatal(code)
	}
	if g.fast.served.Load() != served+1 {
		t.Error("the slow request did not take the fast path")
	}
	clk.Add(time.Hour)
	if s := g.SweepIdle(); fmt.Sprint(s) != "[p]" {
		t.Errorf("sweep after the request: %v", s)
	}
}

// fastHeaders collects the forwarded headers of a parsed head by canonical
// name.
func fastHeaders(head []byte, h *reqHead) http.Header {
	out := http.Header{}
	for _, r := range h.hdr[:h.nhdr] {
		line := head[r[0] : r[1]-2]
		i := bytes.IndexByte(line, ':')
		k := textproto.CanonicalMIMEHeaderKey(string(line[:i]))
		out[k] = append(out[k], string(trimOWS(line[i+1:])))
	}
	return out
}

func FuzzFastPathRequestHead(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a.b\r\n\r\n",
		"POST /x?y=1 HTTP/1.1\r\nHost: a.b:80\r\nContent-Length: 0\r\nConnection: close\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n",
		"GET /%41 HTTP/1.1\r\nhost: A.B.\r\nX:  v \t\r\nx: w\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n x\r\n\r\n",
		"GET / HTTP/1.1\nHost: a\n\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
		// Reviewed: framing look-alikes, padding, case, absolute form.
		"GET / HTTP/1.1\r\nHost: a\r\nContent_Length: 5\r\nTransfer_Encoding: chunked\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\ncontent-length:  0 \t\r\n\r\n",
		"connect / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http://a/ HTTP/1.1\r\nHost: b\r\n\r\n",
		"GET //b/c HTTP/1.1\r\nHost: a\r\n\r\n",
		"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX: \x80\xff\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := headEnd(b)
		// readHead's scan of a head that arrives in two parts agrees.
		if k := len(b) / 2; headEnd(b[:k]) == 0 && headEndFrom(b, k) != n {
			t.Fatalf("scan from %d: %d, whole scan %d\n%q", k, headEndFrom(b, k), n, b)
		}
		if n <= 0 {
			return
		}
		head := b[:n]
		var h reqHead
		if !parseRequestHead(head, &h) {
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			t.Fatalf("fast path accepts what net/http rejects: %v\n%q", err, head)
		}
		if req.Method != string(h.method) || req.RequestURI != string(h.target) || req.Host != string(h.host) || req.Close != h.close {
			t.Fatalf("differ: %s %s %s %v vs %s %s %s %v", req.Method, req.RequestURI, req.Host, req.Close, h.method, h.target, h.host, h.close)
		}
		if req.ContentLength > 0 || len(req.TransferEncoding) > 0 {
			t.Fatalf("a body: %d %v", req.ContentLength, req.TransferEncoding)
		}
		want := req.Header.Clone()
		got := fastHeaders(head, &h)
		got.Del("Host")
		for _, k := range []string{"Host", "Connection", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
			want.Del(k)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("headers\nfast %v\nnet/http %v", got, want)
		}
	})
}

func FuzzFastPathResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close, X-A\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
		"HTTP/1.0 204\r\n\r\n",
		"HTTP/1.1 200 OK\r\n X: y\r\n\r\n",
		// Found in review: lines that fail the check are not copied.
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\x01\r\n\r\n",
		"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(b), 256)
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		l0, ok := trimCRLF(line)
		if !ok {
			return
		}
		status, minor, ok := parseStatusLine(l0) // l0 is gone after the next read
		if !ok {
			return
		}
		r := respHead{contentLength: -1}
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return
			}
			l, ok := trimCRLF(line)
			if !ok {
				return
			}
			if len(l) == 0 {
				break
			}
			if _, ok := respHeader(l, &r); !ok {
				return
			}
		}
		// A head the fast path accepts, net/http reads with the same framing.
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), &http.Request{Method: "GET"})
		if err != nil {
			t.Fatalf("fast path accepts a response head net/http rejects: %v\n%q", err, b)
		}
		if badFraming(&r, minor, false) {
			return
		}
		if status >= 200 && status != 204 && status != 304 {
			if r.chunked != (len(resp.TransferEncoding) == 1) || !r.chunked && resp.ContentLength != r.contentLength {
				t.Fatalf("framing: fast chunked=%v length=%d, net/http %v %d\n%q", r.chunked, r.contentLength, resp.TransferEncoding, resp.ContentLength, b)
			}
			if resp.Close && !(r.close || minor == 0 || !r.chunked && r.contentLength < 0) {
				t.Fatalf("net/http closes after the response, the fast path would keep the connection\n%q", b)
			}
		}
		if !r.chunked {
			return
		}
		bodyOff := len(b) - br.Buffered()
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		err = copyChunked(w, br)
		w.Flush()
		if err != nil {
			// What was copied is the start of the body, byte for byte.
			if !bytes.HasPrefix(b[bodyOff:], out.Bytes()) {
				t.Fatalf("copied %q of body %q", out.Bytes(), b[bodyOff:])
			}
			return
		}
		// What the fast path accepted and copied is a chunked body to
		// net/http too.
		if _, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(out.Bytes()))); err != nil {
			t.Fatalf("copied chunked body net/http rejects: %v\n%q", err, out.Bytes())
		}
	})
}

// BenchmarkFastPath proxies sequential keep-alive requests to a minimal pod;
// its allocs/op are the fast path's (the pod and client allocate nothing per
// request).
func BenchmarkFastPath(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				have := 0
				for {
					n, err := c.Read(buf[have:])
					if err != nil {
						return
					}
					have += n
					for {
						i := bytes.Index(buf[:have], []byte("\r\n\r\n"))
						if i < 0 {
							break
						}
						copy(buf, buf[i+4:have])
						have -= i + 4
						c.Write(resp)
					}
				}
			}()
		}
	}()
	g, _ := startGateway(b, Config{})
	if err := g.AddRoute(Route{PodID: "raw", Host: "127.0.0.1", HTTPPort: ln.Addr().(*net.TCPAddr).Port, Scale: Scale{Min: 1}}); err != nil {
		b.Fatal(err)
	}
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := []byte("GET /hello HTTP/1.1\r\nHost: " + genHost(b, "raw") + "\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n")
	out := make([]byte, 4096)
	read := func() {
		have := 0
		for !bytes.HasSuffix(out[:have], []byte("hello")) {
			n, err := c.Read(out[have:])
			if err != nil {
				b.Fatal(err)
			}
			have += n
		}
	}
	c.Write(req)
	read()
	b.ReportAllocs()
	for b.Loop() {
		c.Write(req)
		read()
	}
}

func TestFastPathShutdown(t *testing.T) {
	b := newProcBackend(t)
	if _, err := b.Start(t.Context(), "p"); err != nil {
		t.Fatal(err)
	}
	g, err := New(Config{Backend: b, HTTPAddr: "127.0.0.1:0", Domain: domain})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.AddRoute(Route{PodID: "p", Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx) }()
	host := genHost(t, "p")
	waitFor(t, "pod up", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(b.port("p")))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	// An idle keep-alive connection and one with a slow request in flight.
	idle, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	io.WriteString(idle, "GET /hello HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	ibr := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(ibr, nil); err != nil || resp.StatusCode != 200 {
		t.Fatal(resp, err)
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	busy, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	io.WriteString(busy, "GET /slow?d=500ms HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	waitFor(t, "request in flight", 10*time.Second, func() bool { _, n, _ := g.PodState("p"); return n == 1 })
	served := g.fast.served.Load()
	cancel()
	// The idle connection is closed at once; the busy one gets its answer.
	idle.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := ibr.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: %v, want EOF", err)
	}
	busy.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(busy), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("request in flight during shutdown: %v %v", resp, err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
	if served != 2 {
		t.Errorf("fast path served %d, want 2", served)
	}
}

// podServer runs handle for each connection a pod accepts.
func podServer(t *testing.T, handle func(c net.Conn, br *bufio.Reader)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				handle(c, bufio.NewReader(c))
			})
		}
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// fastIdle reports whether the gateway holds no fast-path connection,
// concurrency slot or in-flight request of pod id.
func fastIdle(g *Gateway, id string) bool {
	g.fast.mu.Lock()
	conns := len(g.fast.conns)
	g.fast.mu.Unlock()
	_, inflight, _ := g.PodState(id)
	return conns == 0 && len(g.sem) == 0 && inflight == 0
}

func TestFastPathClientGoneWhilePodSilent(t *testing.T) {
	// A pod that reads requests and never answers; it returns when the
	// gateway closes its connection.
	port := podServer(t, func(c net.Conn, br *bufio.Reader) {
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
		}
	})
	g, host := rawGateway(t, port, Config{})
	base := 0
	for i := range 3 {
		if i == 1 { // the gateway's own goroutines are up
			base = runtime.NumGoroutine()
		}
		c, err := net.Dial("tcp", g.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET /hang HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
		waitFor(t, "request in flight", 5*time.Second, func() bool { _, n, _ := g.PodState("raw"); return n == 1 })
		c.Close()
		// The fast path notices within clientCheck and lets go of the
		// slot, the in-flight count, the pod connection and its goroutine.
		waitFor(t, "fast path to let go", 5*clientCheck, func() bool { return fastIdle(g, "raw") })
	}
	if g.fast.served.Load() != 3 {
		t.Errorf("fast path served %d, want 3", g.fast.served.Load())
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// panicHandler is a slog handler that panics on the message "proxy", to
// put a panic inside the fast path's proxying.
type panicHandler struct{ slog.Handler }

func (h panicHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h panicHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "proxy" {
		panic("test panic in proxy")
	}
	return h.Handler.Handle(ctx, r)
}
func (h panicHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return panicHandler{h.Handler.WithAttrs(a)}
}

func TestFastPathPanicReleases(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // the pod refuses connections: the 502 path logs "proxy"
	log := slog.New(panicHandler{slog.NewTextHandler(testLogWriter{t}, nil)})
	g, host := rawGateway(t, port, Config{Logger: log, MaxConcurrent: 1})
	for range 2 {
		c, err := net.Dial("tcp", g.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
		out, _ := io.ReadAll(c)
		c.Close()
		t.Logf("after the panic the client got %q", out)
		waitFor(t, "slot and in-flight count back", 5*time.Second, func() bool { return fastIdle(g, "raw") })
	}
	if g.fast.served.Load() != 2 {
		t.Errorf("fast path served %d, want 2 (a slot leaked?)", g.fast.served.Load())
	}
}

func TestFastPathTruncatedBodyResets(t *testing.T) {
	// A body delimited by the pod's close, cut by a reset: the client must
	// see an error, not a clean end of a shorter body.
	port := podServer(t, func(c net.Conn, br *bufio.Reader) {
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\npartial")
		time.Sleep(100 * time.Millisecond)
		c.(*net.TCPConn).SetLinger(0)
	})
	g, host := rawGateway(t, port, Config{})
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	out, err := io.ReadAll(c)
	if err == nil {
		t.Errorf("client read %q and a clean close, want a reset", out)
	}
	if g.fast.served.Load() != 1 {
		t.Error("not served by the fast path")
	}
}

func TestCopyChunkedForwardsOnlyCheckedLines(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"2\r\nok\r\n0\n\r\n", "2\r\nok\r\n"},                    // bare LF in the last-chunk line
		{"2\r\nok\n0\r\n\r\n", "2\r\nok"},                        // bare LF after the data
		{"2\r\nok\r\n0\r\nX: a\x01\r\n\r\n", "2\r\nok\r\n0\r\n"}, // bad trailer
		{"2\r\nok\r\n0\r\nX: a\r\n\r\n", "2\r\nok\r\n0\r\nX: a\r\n\r\n"},
	} {
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		err := copyChunked(w, bufio.NewReader(strings.NewReader(tc.in)))
		w.Flush()
		if out.String() != tc.out || (err == nil) != (tc.in == tc.out) {
			t.Errorf("%q: copied %q (%v), want %q", tc.in, out.String(), err, tc.out)
		}
	}
}

func TestFastPathPipelinedResponseNotHeldBack(t *testing.T) {
	_, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		if r.URL.Path == "/slow" {
			time.Sleep(3 * time.Second)
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false
	})
	g, host := rawGateway(t, port, Config{})
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /fast HTTP/1.1\r\nHost: "+host+"\r\n\r\nGET /slow HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	// The first response must not wait for the second.
	c.SetReadDeadline(time.Now().Add(time.Second))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("first of two pipelined responses: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if resp, err = http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("second response: %v %v", resp, err)
	}
}

func TestBodylessResponseWithLateBody(t *testing.T) {
	// A pod that answers HEAD with the body anyway, a little later: the
	// connection must not go back to the pool, on either path.
	port := podServer(t, func(c net.Conn, br *bufio.Reader) {
		for {
			r, err := http.ReadRequest(br)
			if err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
			if r.Method == "HEAD" {
				time.Sleep(20 * time.Millisecond)
			}
			io.WriteString(c, "hello")
		}
	})
	g, host := rawGateway(t, port, Config{})
	for _, off := range []bool{false, true} {
		g.fast.off.Store(off)
		resps, _ := exchange(t, g, "HEAD / HTTP/1.1\r\nHost: "+host+"\r\n\r\n", "HEAD")
		if resps[0].StatusCode != 200 {
			t.Fatalf("HEAD: %d", resps[0].StatusCode)
		}
		time.Sleep(50 * time.Millisecond) // the late body is in the pod connection now
		code, _, body := get(t, g, host, "/")
		if code != 200 || body != "hello" {
			t.Errorf("slow path %v: GET after a HEAD with a late body: %d %q", off, code, body)
		}
	}
}

func TestCloseClosesPodConnections(t *testing.T) {
	var open atomic.Int32
	port := podServer(t, func(c net.Conn, br *bufio.Reader) {
		open.Add(1)
		defer open.Add(-1)
		for {
			if _, err := http.ReadRequest(br); err != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	})
	g, host := rawGateway(t, port, Config{})
	for _, off := range []bool{false, true} {
		g.fast.off.Store(off)
		if code, _, _ := get(t, g, host, "/"); code != 200 {
			t.Fatal(code)
		}
	}
	if open.Load() == 0 {
		t.Fatal("no kept pod connection")
	}
	g.Close()
	waitFor(t, "kept pod connections to close", 5*time.Second, func() bool { return open.Load() == 0 })
}

func TestHeadEndIncremental(t *testing.T) {
	// readHead scans a head that trickles in once; the scan from where the
	// last one stopped finds what a whole scan finds.
	for _, h := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\n\r\n",
		"GET / HTTP/1.1\r\nX: \r\r\n\r\n",
		"\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
	} {
		b := []byte(h)
		want := headEnd(b)
		for k := 1; k < len(b); k++ {
			if headEnd(b[:k]) == 0 {
				if got := headEndFrom(b, k); got != want {
					t.Errorf("%q scanned to %d: %d, want %d", h, k, got, want)
				}
			}
		}
		n, ok := readHead(bufio.NewReader(iotest.OneByteReader(strings.NewReader(h))), 1<<10)
		if want > 0 && (n != want || !ok) || want < 0 && ok {
			t.Errorf("%q byte by byte: %d %v, want %d", h, n, ok, want)
		}
	}
}

func TestFastPathShutdownDuringDial(t *testing.T) {
	// A dial that hangs (a pod host dropping SYNs) ends with the grace
	// period, not after DialTimeout.
	g, host := rawGateway(t, 9, Config{DialTimeout: 30 * time.Second})
	g.mu.RLock()
	p := g.pods["raw"]
	g.mu.RUnlock()
	p.transport.dialer.ControlContext = func(ctx context.Context, _, _ string, _ syscall.RawConn) error {
		<-ctx.Done()
		return ctx.Err()
	}
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	waitFor(t, "request in flight", 5*time.Second, func() bool { _, n, _ := g.PodState("raw"); return n == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	g.shutdown(ctx)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v with a dial in flight", d)
	}
}

func TestFastPathDeadlines(t *testing.T) {
	// The connection loop waits for readability between reads (serve):
	// a head arriving in pieces is still served, an idle connection ends
	// after IdleTimeout, and a head that stops coming ends after
	// ReadHeaderTimeout from its first byte, not IdleTimeout.
	_, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false
	})
	const headTimeout, idleTimeout = 300 * time.Millisecond, 900 * time.Millisecond
	g, host := rawGateway(t, port, Config{ReadHeaderTimeout: headTimeout, IdleTimeout: idleTimeout})
	closedAfter := func(c net.Conn, br *bufio.Reader) time.Duration {
		t.Helper()
		start := time.Now()
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := br.ReadByte(); err != io.EOF {
			t.Fatalf("want the gateway to close, got %v", err)
		}
		return time.Since(start)
	}
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", g.HTTPAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	ok := func(br *bufio.Reader) {
		t.Helper()
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("response: %v %v", resp, err)
		}
		io.Copy(io.Discard, resp.Body)
	}

	c, br := dial()
	for _, piece := range []string{"GET /a HTTP/1.1\r\nHo", "st: " + host + "\r", "\n\r\n"} {
		io.WriteString(c, piece)
		time.Sleep(50 * time.Millisecond)
	}
	ok(br)
	time.Sleep(100 * time.Millisecond)
	io.WriteString(c, "GET /b HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	ok(br)
	if d := closedAfter(c, br); d < idleTimeout-idleTimeout/16-20*time.Millisecond || d > idleTimeout+time.Second {
		t.Errorf("idle connection closed after %v, want about %v", d, idleTimeout)
	}

	c, br = dial()
	io.WriteString(c, "GET /c HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	ok(br)
	io.WriteString(c, "GET /d HTTP/1.1\r\n")
	if d := closedAfter(c, br); d < headTimeout-20*time.Millisecond || d >= idleTimeout-idleTimeout/16-20*time.Millisecond {
		t.Errorf("connection with a partial head closed after %v, want about %v", d, headTimeout)
	}
	if served, off := g.fast.served.Load(), g.fast.handedOff.Load(); served != 3 || off != 0 {
		t.Errorf("fast path served %d requests and handed off %d connections, want 3 and 0", served, off)
	}
}

func TestFastPathLargeBodySlowClient(t *testing.T) {
	// A body larger than the sockets hold, to a client that does not read
	// at first: the raw writes meet a full socket and the rest goes through
	// the connection's Write, which waits (rawio.go). Bodies by length and
	// chunked, then another request on the same connection.
	body := make([]byte, 8<<20)
	for i := range body {
		body[i] = byte('a' + i%26)
	}
	var chunked strings.Builder
	for off := 0; off < len(body); off += 1 << 20 {
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", 1<<20, body[off:off+1<<20])
	}
	chunked.WriteString("0\r\n\r\n")
	_, port := newRawPod(t, func(n int, r *http.Request) (string, bool) {
		if r.URL.Path == "/chunked" {
			return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked.String(), false
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + string(body), false
	})
	g, host := rawGateway(t, port, Config{})
	c, err := net.Dial("tcp", g.HTTPAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for _, path := range []string{"/length", "/chunked", "/length"} {
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
		time.Sleep(200 * time.Millisecond) // the gateway fills the socket meanwhile
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := io.ReadAll(resp.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%s: read %d bytes (%v), want the %d sent", path, len(got), err, len(body))
		}
	}
	if served := g.fast.served.Load(); served != 3 {
		t.Errorf("fast path served %d requests, want 3", served)
	}
}
