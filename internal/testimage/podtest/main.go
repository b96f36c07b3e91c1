// Command podtest is the program inside the test image that testimage builds:
// one static binary with a few behaviours selected by its first argument, so
// runtime tests need only one image.
//
//	podtest serve [-addr :8080] [-ignore-term]   HTTP server (see handlers)
//	podtest hog                                   allocates memory until killed
//	podtest burn [-threads N]                     spins on N threads, serves
//	podtest log [-n N] [-every D]                 prints "line i" N times, then serves
//	podtest fill -path P -mib N                   writes N MiB to P, then serves
//	podtest write -path P -data D [-require R]    writes D to P and exits (1 if R is missing)
//	podtest exit -code N                          exits with code N
//	podtest exists -path P                        exits 0 if P exists, else 1 (exec probes)
//	podtest wait -path P                          exits 0 once P exists (an init container a test holds)
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: podtest serve|hog|burn|log|fill [flags]")
		os.Exit(2)
	}
	mode, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	addr := fs.String("addr", ":8080", "listen address")
	ignoreTerm := fs.Bool("ignore-term", false, "ignore SIGTERM")
	threads := fs.Int("threads", 1, "burn: spinning threads")
	n := fs.Int("n", 10, "log: lines")
	every := fs.Duration("every", 10*time.Millisecond, "log: interval")
	path := fs.String("path", "", "fill: file to write")
	mib := fs.Int("mib", 1, "fill: MiB to write")
	data := fs.String("data", "", "write: content")
	require := fs.String("require", "", "write: a file that must exist")
	code := fs.Int("code", 0, "exit: code")
	after := fs.Duration("after", 0, "wait this long before acting (a pod that fails some time after its start)")
	fs.Parse(args)
	time.Sleep(*after)

	switch mode {
	case "serve":
	case "hog":
		hog()
	case "burn":
		for i := 0; i < *threads; i++ {
			go spin()
		}
	case "log":
		for i := 0; i < *n; i++ {
			fmt.Printf("line %d\n", i)
			time.Sleep(*every)
		}
	case "fill":
		if err := fill(*path, *mib); err != nil {
			fmt.Fprintln(os.Stderr, "fill:", err)
			os.Exit(1)
		}
	case "write":
		if *require != "" {
			if _, err := os.Stat(*require); err != nil {
				fmt.Fprintln(os.Stderr, "write:", err)
				os.Exit(1)
			}
		}
		os.MkdirAll(filepath.Dir(*path), 0o755)
		if err := os.WriteFile(*path, []byte(*data), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "write:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "exit":
		os.Exit(*code)
	case "exists":
		if _, err := os.Stat(*path); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	case "wait":
		for {
			if _, err := os.Stat(*path); err == nil {
				os.Exit(0)
			}
			time.Sleep(50 * time.Millisecond)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
	serve(*addr, *ignoreTerm)
}

func serve(addr string, ignoreTerm bool) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() {
		for range sig {
			if !ignoreTerm {
				fmt.Println("SIGTERM, exiting")
				os.Exit(0)
			}
			fmt.Println("SIGTERM ignored")
		}
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		host, _ := os.Hostname()
		fmt.Fprintf(w, "ok %s\n", host)
	})
	// /file?path=P: GET returns the file, PUT writes the body to it.
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("path")
		switch r.Method {
		case http.MethodPut:
			os.MkdirAll(filepath.Dir(p), 0o755)
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				http.Error(w, err.Error(), 404)
				return
			}
			w.Write(b)
		}
	})
	// /cpu returns the process's own CPU time (user+system) in ns.
	mux.HandleFunc("/cpu", func(w http.ResponseWriter, r *http.Request) {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Fprint(w, ru.Utime.Nano()+ru.Stime.Nano())
	})
	// /fetch?url=U fetches U (1 s timeout) and answers with its status, or
	// 502 and the error.
	mux.HandleFunc("/fetch", func(w http.ResponseWriter, r *http.Request) {
		c := &http.Client{Timeout: time.Second}
		resp, err := c.Get(r.URL.Query().Get("url"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		fmt.Fprint(w, resp.StatusCode)
	})
	// /healthz answers 500 after a PUT to /sick (state in memory: a
	// restarted process is healthy again); /ready answers 503 until a PUT
	// to /ready.
	var sick, ready atomic.Bool
	mux.HandleFunc("/sick", func(w http.ResponseWriter, r *http.Request) { sick.Store(true) })
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if sick.Load() {
			http.Error(w, "sick", 500)
		}
	})
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			ready.Store(true)
		}
		if !ready.Load() {
			http.Error(w, "not ready", 503)
		}
	})
	// /id answers "uid gid"; /statfs?path=P the size in bytes of P's file system.
	mux.HandleFunc("/id", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d %d", os.Getuid(), os.Getgid())
	})
	mux.HandleFunc("/statfs", func(w http.ResponseWriter, r *http.Request) {
		var st syscall.Statfs_t
		if err := syscall.Statfs(r.URL.Query().Get("path"), &st); err != nil {
			http.Error(w, err.Error(), 404)
			return
		}
		fmt.Fprint(w, st.Blocks*uint64(st.Bsize))
	})
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, os.Getenv(r.URL.Query().Get("name")))
	})
	// /send?n=BYTES writes n bytes of response (egress).
	mux.HandleFunc("/send", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		buf := make([]byte, 32<<10)
		for n > 0 {
			k := min(n, len(buf))
			w.Write(buf[:k])
			n -= k
		}
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

var sink [][]byte

func hog() {
	for {
		b := make([]byte, 4<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		sink = append(sink, b)
		time.Sleep(time.Millisecond)
	}
}

func spin() {
	x := 0
	for {
		x++
	}
}

func fill(p string, mib int) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	for i := 0; i < mib; i++ {
		if _, err := f.Write(buf); err != nil {
			return err
		}
	}
	return f.Close()
}
