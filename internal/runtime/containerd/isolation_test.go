package containerd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	goruntime "runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
)

// The world the isolation tests build, all in namespaces of their own so
// that a failing isolation reaches the test and nothing outside the
// machine: a network namespace "outside" holding a public-looking address
// (203.0.113.10, TEST-NET-3, standing for the internet) and one address in
// each private range, including the cloud metadata address, all served by
// one HTTP listener; a veth to it from the host (198.51.100.1 on the host,
// another host address besides the bridge's); and a policy route sending
// everything the host forwards from the pods' bridge into "outside".
const (
	isoNetns   = "tpodtest-iso"
	isoHostIf  = "tpisoh"
	isoPeerIf  = "tpisop"
	isoHostIP  = "198.51.100.1"
	isoPeerIP  = "198.51.100.2"
	isoTable   = "7213"
	isoPublic  = "203.0.113.10"
	isoLinkNet = "198.51.100.0/24"
)

// isoPrivate are targets in "outside" that pods must not reach.
var isoPrivate = []string{"169.254.169.254", "10.213.213.213", "100.64.213.213", "172.16.213.213", "192.168.213.213"}

type isoWorld struct {
	port int // the HTTP port of "outside" on every address
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newIsoWorld builds "outside" and removes it at cleanup.
func newIsoWorld(t *testing.T) *isoWorld {
	t.Helper()
	exec.Command("ip", "netns", "del", isoNetns).Run() // an interrupted run's
	exec.Command("ip", "link", "del", isoHostIf).Run()
	for _, p := range []string{isoLinkNet, isoPublic + "/32"} {
		if err := checkSubnetFree(p, ""); err != nil {
			t.Fatalf("the isolation test's addresses are in use on this host: %v", err)
		}
	}
	t.Cleanup(func() {
		exec.Command("ip", "link", "del", isoHostIf).Run()
		exec.Command("ip", "netns", "del", isoNetns).Run()
		if _, err := os.Stat("/run/netns/" + isoNetns); err == nil {
			t.Errorf("netns %s left", isoNetns)
		}
	})
	run(t, "ip", "netns", "add", isoNetns)
	run(t, "ip", "link", "add", isoHostIf, "type", "veth", "peer", "name", isoPeerIf, "netns", isoNetns)
	run(t, "ip", "addr", "add", isoHostIP+"/24", "dev", isoHostIf)
	run(t, "ip", "link", "set", isoHostIf, "up")
	// Loose reverse-path filtering: replies come from addresses the host
	// routes elsewhere (strict mode would drop them).
	os.WriteFile("/proc/sys/net/ipv4/conf/"+isoHostIf+"/rp_filter", []byte("2"), 0o644)
	in := func(args ...string) { run(t, "ip", append([]string{"-n", isoNetns}, args...)...) }
	in("link", "set", "lo", "up")
	in("addr", "add", isoPeerIP+"/24", "dev", isoPeerIf)
	in("link", "set", isoPeerIf, "up")
	for _, a := range append([]string{isoPublic}, isoPrivate...) {
		in("addr", "add", a+"/32", "dev", "lo")
	}
	in("route", "add", "default", "via", isoHostIP)
	srv := helper("serve", "", "ip", "netns", "exec", isoNetns)
	// It dies with the test (it inherits the flock of the test lock), by a
	// signal sent when the thread that forked it ends: a thread kept for
	// the purpose, as Go ends threads that ran a locked goroutine (creating
	// a pod's namespace does).
	srv.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	started, exited := make(chan error), make(chan struct{})
	go func() {
		goruntime.LockOSThread()
		defer goruntime.UnlockOSThread()
		err := srv.Start()
		started <- err
		if err == nil {
			srv.Wait()
		}
		close(exited)
	}()
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); <-exited })
	ready := make([]byte, 6)
	if _, err := io.ReadFull(out, ready); err != nil || string(ready) != "ready\n" {
		t.Fatalf("helper in %s did not start: %q %v", isoNetns, ready, err)
	}
	return &isoWorld{port: isoPort}
}

// isoPort is the helper's HTTP port in "outside".
const isoPort = 18213

// helper returns a command running this test binary as TestIsoHelper in
// mode, behind the command wrap (which enters a namespace). The tests run code inside other network namespaces only in helper
// processes: a thread of this process switched into one could be the main
// thread, which Go never retires, and would leave the process (its
// /proc/self/net, its children) in the pod's namespace.
func helper(mode, addr string, wrap ...string) *exec.Cmd {
	args := append(wrap, os.Args[0], "-test.run=^TestIsoHelper$")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "TPOD_ISO_HELPER="+mode, "TPOD_ISO_ADDR="+addr)
	return cmd
}

// TestIsoHelper is the helper process of the isolation tests (see helper),
// skipped as a test: "serve" answers HTTP on every address of its network
// namespace; "dial" opens a TCP connection to TPOD_ISO_ADDR and exits 0
// when it succeeds.
func TestIsoHelper(t *testing.T) {
	switch os.Getenv("TPOD_ISO_HELPER") {
	case "serve":
		ln, err := net.Listen("tcp4", fmt.Sprintf("0.0.0.0:%d", isoPort))
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("ready\n")
		http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "outside %s", r.Host)
		}))
	case "dial":
		c, err := net.DialTimeout("tcp", os.Getenv("TPOD_ISO_ADDR"), 2*time.Second)
		if err != nil {
			fmt.Println(err)
			os.Exit(3)
		}
		c.Close()
	default:
		t.Skip("the isolation tests' helper process")
	}
}

// routeBridge sends what the host forwards from bridge into "outside"
// (the bridge's own subnet stays on the bridge).
func (w *isoWorld) routeBridge(t *testing.T, bridge, subnet string) {
	t.Helper()
	run(t, "ip", "route", "replace", "default", "via", isoPeerIP, "dev", isoHostIf, "onlink", "table", isoTable)
	run(t, "ip", "route", "replace", subnet, "dev", bridge, "table", isoTable)
	exec.Command("ip", "rule", "del", "iif", bridge, "table", isoTable).Run()
	run(t, "ip", "rule", "add", "iif", bridge, "table", isoTable, "pref", isoTable)
	t.Cleanup(func() {
		exec.Command("ip", "rule", "del", "iif", bridge, "table", isoTable).Run()
		exec.Command("ip", "route", "flush", "table", isoTable).Run()
	})
}

// hostListener serves HTTP on addr in the host namespace, answering 200.
func hostListener(t *testing.T, network, addr string) string {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "host") }))
	return ln.Addr().String()
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// podFetch asks the pod at ip to GET target (host:port) and returns the
// pod's answer: "200 ..." when it reached it, "502 ..." when it could not.
func podFetch(t *testing.T, ip, target string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + ip + ":8080/fetch?url=" + url.QueryEscape("http://"+target+"/"))
	if err != nil {
		t.Fatalf("ask pod %s to fetch %s: %v", ip, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(b)))
}

// linkLocal returns the interface name and IPv6 link-local address of
// the first interface (dev, or any) that has one in the network namespace
// nsPath ("" for the host's), waiting until duplicate address detection
// has passed.
func linkLocal(nsPath, dev string) (string, netip.Addr, error) {
	args := []string{"ip", "-o", "-6", "addr", "show", "scope", "link"}
	if dev != "" {
		args = append(args, "dev", dev)
	}
	if nsPath != "" {
		args = append([]string{"nsenter", "--net=" + nsPath}, args...)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command(args[0], args[1:]...).Output()
		if err != nil {
			return "", netip.Addr{}, fmt.Errorf("%s: %v", strings.Join(args, " "), err)
		}
		for _, l := range strings.Split(string(out), "\n") {
			// 2: eth1    inet6 fe80::4f4:78ff:fecf:c4f8/64 scope link \  valid_lft ...
			f := strings.Fields(l)
			if len(f) < 4 || f[2] != "inet6" || strings.Contains(l, "tentative") {
				continue
			}
			if p, err := netip.ParsePrefix(f[3]); err == nil {
				return strings.TrimSuffix(f[1], ":"), p.Addr(), nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", netip.Addr{}, fmt.Errorf("no IPv6 link-local address on %q in %q", dev, nsPath)
}

// isoConfig is the test config of a sandbox, with its own subnet.
func isoConfig(t *testing.T, sandbox string) Config {
	t.Helper()
	var cfg Config
	if sandbox == SandboxGVisor {
		requireRunsc(t)
		cfg = testConfig(t, "gvisor")
		cfg.Network.Subnet = "172.30.214.0/24"
	} else {
		cfg = testConfig(t, "runc")
	}
	cfg.Sandbox = sandbox
	return cfg
}

// TestNetworkIsolation: from inside a pod, under each sandbox, the host
// (the bridge's gateway address and another host address), another pod,
// the metadata address, the private ranges and the host's IPv6 link-local
// address are all refused, while a public address is reached and the
// pod's egress is metered. Then a host rule accepting everything from the
// bridge is put in front (an earlier ACCEPT used to win): a new Runtime
// puts its chains first again and the pod stays shut in.
func TestNetworkIsolation(t *testing.T) {
	testConfig(t, "runc") // skips (fails under CI) without the test containerd
	w := newIsoWorld(t)
	for _, sb := range []string{SandboxRunc, SandboxGVisor} {
		t.Run(sb, func(t *testing.T) { testIsolation(t, w, isoConfig(t, sb)) })
	}
}

func testIsolation(t *testing.T, w *isoWorld, cfg Config) {
	r := newTestRuntime(t, cfg)
	cleanStale(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// The host reaches both pods (as the gateway does).
	pods := servingPods(t, r, "iso-"+cfg.Sandbox, 2)
	a, b := pods[0], pods[1]
	bridge := r.net.bridge
	w.routeBridge(t, bridge, cfg.Network.Subnet)
	gw := a.IP[:strings.LastIndexByte(a.IP, '.')] + ".1"
	_, llBridge, err := linkLocal("", bridge)
	if err != nil {
		t.Fatal(err)
	}
	// The pod's interface on the bridge (go-cni names it eth1, after the
	// loopback network) and its own link-local address.
	eth, own, err := linkLocal(a.NetNS, "")
	if err != nil {
		t.Fatal(err)
	}

	// Fresh host listeners for each check: a pod's refused IPv6 dial stays
	// pending (a dropped neighbour solicitation), and an HTTP client keeps
	// dialling for its pool after the request gave up, so a listener of an
	// earlier check could be reached by a connection opened in between.
	targets := func() map[string]string {
		refused := map[string]string{
			"the host's bridge address": hostListener(t, "tcp4", gw+":0"),
			"another host address":      hostListener(t, "tcp4", isoHostIP+":0"),
			"another pod":               b.IP + ":8080",
			// The listener's address has no zone: the pod names its own link.
			"the host's IPv6 link-local": "[" + llBridge.String() + "%25" + eth + "]:" +
				port(hostListener(t, "tcp6", "["+llBridge.String()+"%"+bridge+"]:0")),
		}
		for _, a := range isoPrivate {
			refused[a] = fmt.Sprintf("%s:%d", a, w.port)
		}
		return refused
	}
	public := fmt.Sprintf("%s:%d", isoPublic, w.port)

	check := func(when string) {
		t.Helper()
		u0, err := r.Usage(ctx, a.Spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := podFetch(t, a.IP, public); !strings.HasPrefix(got, "200") {
			t.Errorf("%s: pod cannot reach the internet (%s): %s", when, public, got)
		}
		u1, err := r.Usage(ctx, a.Spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u1.EgressBytes <= u0.EgressBytes {
			t.Errorf("%s: egress to the internet not metered: %d → %d bytes", when, u0.EgressBytes, u1.EgressBytes)
		}
		for what, target := range targets() {
			got := podFetch(t, a.IP, target)
			if !strings.HasPrefix(got, "502") {
				t.Errorf("%s: pod reached %s (%s): %s", when, what, target, got)
			}
		}
	}
	// The pod's own IPv6 works (so the link-local refusal above is the
	// firewall's, not a pod without IPv6).
	deadline := time.Now().Add(10 * time.Second)
	for got := ""; !strings.HasPrefix(got, "200"); {
		if got = podFetch(t, a.IP, "["+own.String()+"%25"+eth+"]:8080"); time.Now().After(deadline) {
			t.Fatalf("pod cannot reach its own IPv6 link-local address: %s", got)
		}
	}
	check("default rules")

	// The host's own rules go in front: an ACCEPT of everything from the
	// bridge, in both families. A new Runtime (a provider restart) must put
	// its chains first again.
	hostRules := [][]string{
		{"iptables", "INPUT"}, {"iptables", "FORWARD"}, {"ip6tables", "INPUT"}, {"ip6tables", "FORWARD"},
	}
	for _, h := range hostRules {
		run(t, h[0], "-w", "-I", h[1], "1", "-i", bridge, "-m", "comment", "--comment", "tpodtest host accept", "-j", "ACCEPT")
		t.Cleanup(func() {
			exec.Command(h[0], "-w", "-D", h[1], "-i", bridge, "-m", "comment", "--comment", "tpodtest host accept", "-j", "ACCEPT").Run()
		})
	}
	r2, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hostRules {
		first := strings.Split(run(t, h[0], "-w", "-S", h[1]), "\n")[1]
		if !strings.Contains(first, "-j TPOD-") {
			t.Errorf("%s %s: first rule after a restart is %q, not our jump", h[0], h[1], first)
		}
	}
	r2.Close()
	check("host ACCEPT rules inserted before a restart")
}

// TestPodToPodRouted: a pod that sends packets for another pod to the
// host's MAC (a static neighbour entry here, set in both pods so that a
// routed connection would complete; a raw socket, allowed by the default
// CAP_NET_RAW, can forge the same frames) gets them routed by the host,
// past bridge port isolation. The FORWARD chain refuses them.
func TestPodToPodRouted(t *testing.T) {
	cfg := testConfig(t, "runc")
	cfg.Sandbox = SandboxRunc
	r := newTestRuntime(t, cfg)
	sts := servingPods(t, r, "routed", 2)
	mac, err := os.ReadFile("/sys/class/net/" + r.net.bridge + "/address")
	if err != nil {
		t.Fatal(err)
	}
	// Both ways, so that a connection the host routed would complete.
	for i, st := range sts {
		eth, _, err := linkLocal(st.NetNS, "")
		if err != nil {
			t.Fatal(err)
		}
		run(t, "nsenter", "--net="+st.NetNS, "ip", "neigh", "replace", sts[1-i].IP, "lladdr", strings.TrimSpace(string(mac)), "dev", eth, "nud", "permanent")
	}
	out, err := helper("dial", sts[1].IP+":8080", "nsenter", "--net="+sts[0].NetNS).CombinedOutput()
	if err == nil {
		t.Fatalf("pod a reached pod b %s through the host's routing", sts[1].IP)
	}
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("dial helper: %v: %s", err, out)
	}
	dialErr := strings.TrimSpace(string(out))
	t.Logf("routed pod-to-pod refused: %v", dialErr)
}

// servingPods creates and starts n `podtest serve` pods, deleted at
// cleanup, and returns their states once each answers HTTP.
func servingPods(t *testing.T, r *Runtime, prefix string, n int) []*podState {
	t.Helper()
	var out []*podState
	for i := range n {
		ctx, spec := createTestPod(t, r, fmt.Sprintf("%s-%d", prefix, i), runtime.Resources{CPUMillis: 500, MemoryMiB: 128}, "serve")
		startServing(t, ctx, r, spec.ID)
		st, err := r.load(spec.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st)
	}
	return out
}

// removeTestNetwork removes a test network's bridge and firewall once its
// last Runtime is closed and its pods are gone (issue 18: runs left
// bridges behind); while another Runtime or a pod still uses it, it stays.
func removeTestNetwork(t testing.TB, nc NetworkConfig) {
	if err := RemoveNetwork(nc); err != nil && !errors.Is(err, runtime.ErrFailedPrecondition) {
		t.Errorf("remove test network: %v", err)
	}
}

// TestFirewallInstallAndRemove installs a network's rules on the real
// iptables and ip6tables: a second ensure finds nothing to change (the
// rules are written as iptables-save prints them), ensure repairs a
// flushed chain, and RemoveNetwork leaves no rule, chain or bridge.
func TestFirewallInstallAndRemove(t *testing.T) {
	if os.Getuid() != 0 || testing.Short() {
		t.Skip("needs root (skipped with -short)")
	}
	nc, err := NetworkConfig{Name: "tpodtest-fw", Bridge: "tptfw0", Subnet: "172.30.215.0/24"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	f := newFirewall(nc, []netip.Addr{netip.MustParseAddr("10.255.255.53")})
	t.Cleanup(func() { f.remove() })
	if err := f.ensure(); err != nil {
		t.Fatal(err)
	}
	for _, v6 := range []bool{false, true} {
		save := map[bool]string{false: "iptables-save", true: "ip6tables-save"}[v6]
		out, _ := exec.Command(save).Output()
		if b := f.batch(v6, parseSave(out)); b != "" {
			t.Errorf("%s: ensure again would write:\n%s", save, b)
		}
	}
	run(t, "iptables", "-w", "-F", chainIn+nc.Bridge)
	if err := f.ensure(); err != nil {
		t.Fatal(err)
	}
	if got := run(t, "iptables", "-w", "-S", chainIn+nc.Bridge); !strings.Contains(got, "REJECT") {
		t.Errorf("flushed chain not repaired:\n%s", got)
	}
	run(t, "ip", "link", "add", nc.Bridge, "type", "bridge")
	t.Cleanup(func() { exec.Command("ip", "link", "del", nc.Bridge).Run() })
	release := holdNetwork(nc.Bridge)
	if err := RemoveNetwork(nc); !errors.Is(err, runtime.ErrFailedPrecondition) {
		t.Errorf("RemoveNetwork with a Runtime open: %v, want ErrFailedPrecondition", err)
	}
	release()
	if err := RemoveNetwork(nc); err != nil {
		t.Fatal(err)
	}
	for _, save := range []string{"iptables-save", "ip6tables-save"} {
		out, _ := exec.Command(save).Output()
		if strings.Contains(string(out), nc.Bridge) || strings.Contains(string(out), "tpod "+nc.Name) {
			t.Errorf("%s after RemoveNetwork:\n%s", save, out)
		}
	}
	if _, err := os.Stat("/sys/class/net/" + nc.Bridge); err == nil {
		t.Error("bridge left after RemoveNetwork")
	}
}
