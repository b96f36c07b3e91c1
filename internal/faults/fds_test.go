package faults

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fdTable is what a process's open file descriptors are, read from
// /proc/PID/fd: one description per fd ("tcp in gateway ESTABLISHED",
// "pipe", "file /dev/null", ...), with ephemeral ports left out so that two
// tables compare kind by kind.
type fdTable map[string]int

// total is the number of fds in t.
func (t fdTable) total() int {
	n := 0
	for _, k := range t {
		n += k
	}
	return n
}

// kinds sums t by the first word of each description (tcp, udp, unix,
// pipe, anon, file, socket).
func (t fdTable) kinds() string {
	by := map[string]int{}
	for d, k := range t {
		by[strings.Fields(d)[0]] += k
	}
	return countList(by)
}

// grown lists the descriptions of which end has more than t, with both
// counts.
func (t fdTable) grown(end fdTable) string { return t.diff(end, 1) }

// shrunk lists the descriptions of which end has fewer than t.
func (t fdTable) shrunk(end fdTable) string { return end.diff(t, -1) }

// diff lists what other has more of than t: "what: t's → other's", or
// with sign -1 "what: other's → t's".
func (t fdTable) diff(other fdTable, sign int) string {
	var out []string
	for d, k := range other {
		if k > t[d] {
			a, b := t[d], k
			if sign < 0 {
				a, b = b, a
			}
			out = append(out, fmt.Sprintf("%s: %d → %d", d, a, b))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

func countList(m map[string]int) string {
	var out []string
	for d, k := range m {
		out = append(out, fmt.Sprintf("%s %d", d, k))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// fds reads the daemon's fd table. Ports in names are the daemon's own
// listeners and the chain's RPC proxy, for the connections through them
// to say what they are.
func (p *providerProc) fds() (fdTable, error) {
	p.mu.Lock()
	cmd := p.cmd
	p.mu.Unlock()
	if cmd == nil {
		return nil, fmt.Errorf("the provider is not running")
	}
	names := map[int]string{}
	for _, a := range []struct{ name, addr string }{{"gateway", p.gatewayAddr}, {"metrics", p.metricsAddr}, {"chain", p.n.chain.Addr()}} {
		if _, port, err := net.SplitHostPort(a.addr); err == nil {
			k, _ := strconv.Atoi(port)
			names[k] = a.name
		}
	}
	names[p.p2pPort] = "p2p"
	return readFDs(cmd.Process.Pid, names)
}

// readFDs describes each open fd of process pid; names names TCP ports.
func readFDs(pid int, names map[int]string) (fdTable, error) {
	dir := fmt.Sprintf("/proc/%d", pid)
	ents, err := os.ReadDir(filepath.Join(dir, "fd"))
	if err != nil {
		return nil, err
	}
	socks := map[string]string{} // inode → description
	for _, proto := range []string{"tcp", "tcp6"} {
		readTCP(filepath.Join(dir, "net", proto), names, socks)
	}
	for _, proto := range []string{"udp", "udp6"} {
		readINet(filepath.Join(dir, "net", proto), func(inode string, _ []string) { socks[inode] = "udp" })
	}
	readUnix(filepath.Join(dir, "net", "unix"), socks)
	t := fdTable{}
	for _, e := range ents {
		link, err := os.Readlink(filepath.Join(dir, "fd", e.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		t[describeFD(link, socks)]++
	}
	return t, nil
}

func describeFD(link string, socks map[string]string) string {
	switch {
	case strings.HasPrefix(link, "socket:["):
		if d, ok := socks[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")]; ok {
			return d
		}
		return "socket (netlink or other)"
	case strings.HasPrefix(link, "pipe:"):
		return "pipe"
	case strings.HasPrefix(link, "anon_inode:"):
		return "anon " + strings.Trim(strings.TrimPrefix(link, "anon_inode:"), "[]")
	default:
		return "file " + link
	}
}

// tcpStates names /proc/net/tcp's st column.
var tcpStates = map[string]string{
	"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
	"06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING",
}

// readTCP describes the TCP sockets of a /proc/net/tcp{,6} file: "tcp
// listen gateway", "tcp in gateway ESTABLISHED" (a connection to a named
// port of ours), "tcp out chain ESTABLISHED" (from us to a named port),
// else "tcp out 172.30.250.7:8080 ESTABLISHED" (the remote address).
func readTCP(file string, names map[int]string, socks map[string]string) {
	readINet(file, func(inode string, f []string) {
		lip, lport := parseAddr(f[1])
		rip, rport := parseAddr(f[2])
		state := tcpStates[f[3]]
		name := func(port int) string {
			if s, ok := names[port]; ok {
				return s
			}
			return strconv.Itoa(port)
		}
		switch {
		case state == "LISTEN":
			socks[inode] = "tcp listen " + lip + ":" + name(lport)
		case names[lport] != "":
			socks[inode] = "tcp in " + names[lport] + " " + state
		case names[rport] != "":
			socks[inode] = "tcp out " + names[rport] + " " + state
		default:
			socks[inode] = "tcp out " + rip + ":" + strconv.Itoa(rport) + " " + state
		}
	})
}

// readINet calls fn with the inode and fields of each socket line of a
// /proc/net/{tcp,udp}{,6} file.
func readINet(file string, fn func(inode string, fields []string)) {
	readLines(file, func(fs []string) {
		if len(fs) > 9 {
			fn(fs[9], fs)
		}
	})
}

// readLines calls fn with the fields of each line but the header of a
// /proc/net table.
func readLines(file string, fn func(fields []string)) {
	f, err := os.Open(file)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fn(strings.Fields(sc.Text()))
	}
}

// parseAddr decodes /proc/net/tcp's "0100007F:1F90" (each 32-bit word in
// host order, little-endian here).
func parseAddr(s string) (string, int) {
	h, p, ok := strings.Cut(s, ":")
	port, _ := strconv.ParseUint(p, 16, 16)
	b, err := hex.DecodeString(h)
	if !ok || err != nil || len(b)%4 != 0 {
		return s, int(port)
	}
	for i := 0; i < len(b); i += 4 {
		b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
	}
	return net.IP(b).String(), int(port)
}

// readUnix describes the unix sockets of /proc/net/unix: "unix <path>" or
// "unix (unnamed)" (a connected peer, such as our end of containerd's
// socket).
func readUnix(file string, socks map[string]string) {
	readLines(file, func(fs []string) {
		switch {
		case len(fs) > 7:
			socks[fs[6]] = "unix " + fs[7]
		case len(fs) == 7:
			socks[fs[6]] = "unix (unnamed)"
		}
	})
}

// TestFDTable checks the descriptions on this process: a listener, both
// ends of a connection to it, and a pipe.
func TestFDTable(t *testing.T) {
	if ip, port := parseAddr("0100007F:1F90"); ip != "127.0.0.1" || port != 8080 {
		t.Errorf("parseAddr(0100007F:1F90) = %s, %d", ip, port)
	}
	if ip, _ := parseAddr("0000000000000000FFFF00000100007F:0050"); ip != "127.0.0.1" {
		t.Errorf("parseAddr(v4-mapped) = %s", ip)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	names := map[int]string{port: "gateway"}
	before, err := readFDs(os.Getpid(), names)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	after, err := readFDs(os.Getpid(), names)
	if err != nil {
		t.Fatal(err)
	}
	if before["tcp listen 127.0.0.1:gateway"] != 1 {
		t.Errorf("no listener in %v", before)
	}
	if d := after["pipe"] - before["pipe"]; d != 2 {
		t.Errorf("pipes grew by %d, want 2", d)
	}
	want := "tcp in gateway ESTABLISHED: 0 → 1; tcp out gateway ESTABLISHED: 0 → 1"
	if got := before.grown(after); !strings.Contains(got, want) {
		t.Errorf("grown = %q, want it to hold %q", got, want)
	}
	if got := after.shrunk(before); !strings.Contains(got, "tcp in gateway ESTABLISHED: 1 → 0") {
		t.Errorf("shrunk = %q", got)
	}
}
