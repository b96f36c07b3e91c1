// Command standin stands in for the real images of the corpus in the deploy
// tests (no registry is reachable here): one static binary installed under
// the names the corpus files run (sh, pg_isready, redis-cli, curl, ...) and
// chosen by that name, or by its first argument when called as standin.
//
//	standin db [-port N]       a database: answers "PONG" to every line on TCP;
//	                           fails at start if a *_FILE variable names an
//	                           unreadable file (as the official images do)
//	standin web [-port N]      HTTP: / dials the database named by the
//	                           variable $STANDIN_DB_ENV ("host[:port]") and
//	                           answers "ok PONG"; /env?name=, /file?path=
//	sh -c 'a && b; c'          runs simple commands (echo with > redirection,
//	                           cat, sleep, true, false, exit, and these roles)
//	pg_isready, redis-cli,     exit 0 when localhost's port 5432, 6379 or 3306
//	mysqladmin                 answers
//	migrate                    exit 0 when $DATABASE_URL's host:port answers
//	write -path P -data D      writes D to P and exits
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(filepath.Base(os.Args[0]), os.Args[1:]))
}

func run(name string, args []string) int {
	if name == "standin" || name == "docker-entrypoint.sh" {
		if len(args) == 0 {
			fmt.Fprintln(os.Stderr, "standin: no role")
			return 2
		}
		name, args = args[0], args[1:]
	}
	switch name {
	case "db":
		return db(flagInt(args, "-port", envInt("STANDIN_PORT", 5432)))
	case "web":
		return web(flagInt(args, "-port", envInt("STANDIN_PORT", 8080)))
	case "sh", "bash":
		if len(args) >= 2 && args[0] == "-c" {
			return script(args[1])
		}
		return 2
	case "pg_isready":
		return probe("localhost:5432")
	case "redis-cli":
		return probe("localhost:6379")
	case "mysqladmin":
		return probe("localhost:3306")
	case "check":
		return probe(args[0])
	case "curl":
		return curl(args)
	case "migrate":
		u, err := url.Parse(os.Getenv("DATABASE_URL"))
		if err != nil || u.Host == "" {
			fmt.Fprintln(os.Stderr, "migrate: no DATABASE_URL")
			return 1
		}
		return probe(u.Host)
	case "write":
		p, d := flagStr(args, "-path", ""), flagStr(args, "-data", "")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(d), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "echo":
		fmt.Println(strings.Join(args, " "))
		return 0
	case "cat":
		for _, a := range args {
			b, err := os.ReadFile(a)
			if err != nil {
				return 1
			}
			os.Stdout.Write(b)
		}
		return 0
	case "sleep", "tail":
		waitTerm(0)
		return 0
	case "true":
		return 0
	case "false":
		return 1
	}
	fmt.Fprintln(os.Stderr, "standin: unknown command", name)
	return 127
}

// script runs "cmd args && cmd args; cmd > file" one command at a time.
func script(s string) int {
	code := 0
	for _, seq := range strings.Split(s, ";") {
		for _, part := range strings.Split(seq, "&&") {
			w := words(part)
			if len(w) == 0 {
				continue
			}
			if w[0] == "exit" {
				n, _ := strconv.Atoi(append(w, "0")[1])
				return n
			}
			out := ""
			if i := indexOf(w, ">"); i >= 0 && i+1 < len(w) {
				out, w = w[i+1], w[:i]
			}
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return 1
				}
				old := os.Stdout
				os.Stdout = f
				code = run(w[0], w[1:])
				os.Stdout = old
				f.Close()
			} else {
				code = run(filepath.Base(w[0]), w[1:])
			}
			if code != 0 {
				break
			}
		}
	}
	return code
}

func indexOf(w []string, s string) int {
	for i, x := range w {
		if x == s {
			return i
		}
	}
	return -1
}

// words splits on blanks, honouring single and double quotes.
func words(s string) []string {
	var out []string
	var cur strings.Builder
	quote, in := rune(0), false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

func db(port int) int {
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(k, "_FILE") {
			if _, err := os.ReadFile(v); err != nil {
				fmt.Fprintf(os.Stderr, "db: %s: %v\n", k, err)
				return 1
			}
		}
	}
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("db listening on %d\n", port)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				r := bufio.NewScanner(c)
				for r.Scan() {
					fmt.Fprintln(c, "PONG")
				}
			}()
		}
	}()
	waitTerm(0)
	return 0
}

func web(port int) int {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		env := os.Getenv("STANDIN_DB_ENV")
		if env == "" {
			fmt.Fprintln(w, "ok")
			return
		}
		addr := os.Getenv(env)
		if u, err := url.Parse(addr); err == nil && u.Host != "" {
			addr = u.Host
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(addr, strconv.Itoa(envInt("STANDIN_DB_PORT", 5432)))
		}
		reply, err := ping(addr)
		if err != nil {
			http.Error(w, fmt.Sprintf("database %s (from %s): %v", addr, env, err), http.StatusBadGateway)
			return
		}
		fmt.Fprintf(w, "ok %s\n", reply)
	})
	mux.HandleFunc("/env", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, os.Getenv(r.URL.Query().Get("name")))
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(r.URL.Query().Get("path"))
		if err != nil {
			http.Error(w, err.Error(), 404)
			return
		}
		w.Write(b)
	})
	srv := &http.Server{Addr: ":" + strconv.Itoa(port), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}()
	waitTerm(0)
	return 0
}

func ping(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintln(c, "PING")
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

func probe(addr string) int {
	if _, err := ping(addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func curl(args []string) int {
	for _, a := range args {
		if strings.HasPrefix(a, "http") {
			c := &http.Client{Timeout: 2 * time.Second}
			resp, err := c.Get(a)
			if err != nil {
				return 7
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 400 {
				return 22
			}
			return 0
		}
	}
	return 2
}

func waitTerm(d time.Duration) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	if d > 0 {
		select {
		case <-sig:
		case <-time.After(d):
		}
		return
	}
	<-sig
}

func flagStr(args []string, name, def string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return def
}

func flagInt(args []string, name string, def int) int {
	if n, err := strconv.Atoi(flagStr(args, name, "")); err == nil {
		return n
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}
