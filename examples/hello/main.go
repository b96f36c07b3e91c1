// Command hello is the example pod of Trusted Pods: a small static web
// server. It serves an HTML page at /, its own health at /healthz and a
// counter of requests served at /count, and logs one line per request.
// examples/hello/build packs it into an OCI image without a registry.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Hello from a Trusted Pod</title></head>
<body><h1>Hello from a Trusted Pod</h1>
<p>This page is served by a pod running in a provider's TEE, paid per second.</p>
<p>Host: %s · served requests: %d · up since %s</p></body></html>
`

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	if p := os.Getenv("PORT"); p != "" {
		*addr = ":" + p
	}
	host, _ := os.Hostname()
	start := time.Now().UTC()
	var served atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, page, host, n, start.Format(time.RFC3339))
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, served.Load())
	})
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s %s", r.RemoteAddr, r.Method, r.URL.Path)
		mux.ServeHTTP(w, r)
	})
	srv := &http.Server{
		Addr: *addr, Handler: logged,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 16 << 10,
	}
	log.Printf("hello listening on %s", *addr)
	log.Fatal(srv.ListenAndServe())
}
