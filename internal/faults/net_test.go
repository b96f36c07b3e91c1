package faults

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/testimage"
	"github.com/trustedpods/tpod/internal/usage"
)

// full is set by scripts/test-faults.sh (TPOD_FAULTS=full): the whole
// suite with the durations the issue names. Without it the short version
// runs, which `make test` includes.
var full = os.Getenv("TPOD_FAULTS") == "full"

// short picks the short or the full figure.
func short[T any](s, f T) T {
	if full {
		return f
	}
	return s
}

var (
	buildOnce sync.Once
	tpodBin   string
	images    struct{ hello, podtest string }
	buildErr  error
)

// TestMain removes the tpod binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if tpodBin != "" {
		os.RemoveAll(filepath.Dir(tpodBin))
	}
	os.Exit(code)
}

// need skips the test unless it runs where root services are meant to be
// used — scripts/test-faults.sh (TPOD_FAULTS), or scripts/test.sh, whose
// private containerd (TPOD_TEST_CONTAINERD) marks such a run, though the
// networks here start containerds of their own — and builds the tpod binary
// and the pod images once per test binary.
func need(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault suite: needs root, containerd and minutes (skipped with -short)")
	}
	if os.Getenv("TPOD_FAULTS") == "" && os.Getenv("TPOD_TEST_CONTAINERD") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("neither TPOD_FAULTS nor TPOD_TEST_CONTAINERD is set: run through scripts/test.sh or scripts/test-faults.sh")
		}
		t.Skip("root services not set up; run scripts/test-faults.sh")
	}
	if os.Getuid() != 0 {
		t.Skip("needs root")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tpod-faults-bin-")
		if err != nil {
			buildErr = err
			return
		}
		tpodBin = filepath.Join(dir, "tpod")
		cmd := exec.Command("go", "build", "-o", tpodBin, "github.com/trustedpods/tpod/cmd/tpod")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build tpod: %v\n%s", err, out)
			return
		}
		hello, err := testimage.GoProgram("../../examples/hello", "/hello", nil)
		if err != nil {
			buildErr = err
			return
		}
		pt, err := testimage.PodTest()
		if err != nil {
			buildErr = err
			return
		}
		images.hello, images.podtest = hello.Archive, pt.Archive
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// prices of the test provider: per millicore·s and MiB·s reserved, per
// core·ms used and per KiB sent (docs/contracts.md's usage vector).
var testPrices = [usage.Len]int64{1000, 100, 1, 0, 10, 0, 5}

// netConfig shapes a network; zero fields take the defaults of newNet.
type netConfig struct {
	// name makes the data directory, bridge and containerd namespace unique.
	name string
	// subnet is the pod network (docs/development.md: 172.30.250.0/24 is
	// this package's; 172.30.240.0/24 is the test cluster's).
	subnet        string
	billingCycle  time.Duration
	confirmations uint64
	// dataDir replaces the provider's data directory (a small file system
	// for the full-disk test); it must not exist yet or be empty.
	dataDir string
	// capacityMiB is the storage capacity the provider offers.
	capacityMiB uint64
	// providerEnv is added to the provider's environment.
	providerEnv []string
	// p2pProxy puts the provider's libp2p port behind a proxy (network.p2p)
	// and has it announce only the proxy's address, so that every
	// publisher's connection to it, IPFS included, goes through the proxy.
	p2pProxy bool
}

// network is one test's world: the devnet chain in this process, one
// provider as a `tpod provider run` process reaching the chain through a
// proxy, and publishers as `tpod` commands.
type network struct {
	t       *testing.T
	cfg     netConfig
	dir     string
	dev     *devnet.Devnet
	info    *devnet.Info
	netFile string
	pay     *chain.Payment
	// chain is the provider's path to the chain's RPC; p2p, with
	// netConfig.p2pProxy, the publishers' path to the provider.
	chain  *proxy
	p2p    *proxy
	prices [usage.Len]*big.Int
	prov   *providerProc

	mu       sync.Mutex
	accounts int // dev accounts handed to publishers so far
	// downtime is how much running time finish's metered check lets the
	// pods lack (beyond the meter's own second or two), for a fault that
	// costs them some by design.
	downtime time.Duration
}

// newNet starts the chain (1-second blocks) and the provider, and waits
// until the provider is registered and its gateway answers.
func newNet(t *testing.T, cfg netConfig) *network {
	t.Helper()
	need(t)
	if cfg.name == "" {
		cfg.name = "faults"
	}
	if cfg.subnet == "" {
		cfg.subnet = "172.30.250.0/24"
	}
	if cfg.billingCycle == 0 {
		cfg.billingCycle = 2 * time.Second
	}
	if cfg.confirmations == 0 {
		cfg.confirmations = 1
	}
	if cfg.capacityMiB == 0 {
		cfg.capacityMiB = 20480
	}
	sweepStale(t, cfg)
	n := &network{t: t, cfg: cfg, dir: t.TempDir()}
	ctx := context.Background()
	dev, err := devnet.Start(ctx, devnet.Config{BlockPeriod: 1, ExtraAccounts: 12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	n.dev, n.info = dev, dev.Info()
	n.netFile = filepath.Join(n.dir, "devnet.json")
	if err := devnet.WriteInfo(n.netFile, n.info); err != nil {
		t.Fatal(err)
	}
	n.pay = chain.NewPayment(dev.Client(), n.info.Contracts.Payment)
	n.pay.FromBlock = n.info.Contracts.Block
	host := strings.TrimPrefix(n.info.RPC.HTTP, "http://")
	n.chain = newProxy(t, strings.TrimSuffix(host, "/"))
	for i, p := range testPrices {
		n.prices[i] = big.NewInt(p)
	}
	n.prov = n.newProvider(t)
	n.prov.start(t)
	n.prov.waitReady(t, 90*time.Second)
	return n
}

// providerProc is the provider daemon as a process. Its addresses stay the
// same across restarts, as a real machine's would.
type providerProc struct {
	n                  *network
	name               string
	dataDir, stateDir  string
	cfgFile, logFile   string
	gatewayAddr        string
	metricsAddr        string
	p2pPort            int
	bridge, namespace  string
	extraEnv           []string
	mu                 sync.Mutex
	cmd, last          *exec.Cmd
	exited             chan struct{}
	starts             int
	registeredAtLeast1 bool
}

// bridgeName is the pod bridge of networks of a name.
func bridgeName(name string) string { return fmt.Sprintf("tpf%08x", crc32.ChecksumIEEE([]byte(name))) }

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (n *network) newProvider(t *testing.T) *providerProc {
	t.Helper()
	// The data directory's base name names the provider's directories under
	// /run/tpod: unique per test.
	base := fmt.Sprintf("tpf-%s-%x", n.cfg.name, crc32.ChecksumIEEE([]byte(n.dir)))
	dataDir := n.cfg.dataDir
	if dataDir == "" {
		dataDir = filepath.Join(n.dir, base)
	}
	p := &providerProc{
		n: n, name: n.cfg.name, dataDir: dataDir, stateDir: filepath.Join("/run/tpod", filepath.Base(dataDir)),
		cfgFile: filepath.Join(n.dir, "provider.yaml"), logFile: filepath.Join(n.dir, "provider.log"),
		gatewayAddr: fmt.Sprintf("127.0.0.1:%d", freePort(t)), metricsAddr: fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		p2pPort: freePort(t), bridge: bridgeName(n.cfg.name),
		namespace: "tpod-faults-" + n.cfg.name, extraEnv: n.cfg.providerEnv,
	}
	keyFile := filepath.Join(n.dir, "provider.key")
	w, err := n.dev.Wallet(devnet.LabelProvider)
	if err != nil {
		t.Fatal(err)
	}
	if err := chain.WriteKeyFile(keyFile, w); err != nil {
		t.Fatal(err)
	}
	var prices []string
	for i, name := range usage.Names {
		prices = append(prices, fmt.Sprintf("%s: %q", name, n.prices[i].String()))
	}
	cycle := n.cfg.billingCycle
	announce := ""
	if n.cfg.p2pProxy {
		n.p2p = newProxy(t, fmt.Sprintf("127.0.0.1:%d", p.p2pPort))
		announce = fmt.Sprintf("\n  announce: [/ip4/127.0.0.1/tcp/%d]", n.p2p.Port())
	}
	yaml := fmt.Sprintf(`dataDir: %s
region: test
tee: simulated
chain:
  rpc: http://%s
  payment: %s
  registry: %s
  fromBlock: %d
  confirmations: %d
  keyFile: %s
ipfs:
  listen: [/ip4/127.0.0.1/tcp/%d]%s
runtime:
  containerd:
    address: ""
    namespace: %s
    subnet: %s
    bridge: %s
    sandbox: runc
pricing:
- token: "%s"
  prices: {%s}
  minDisputePeriod: %s
capacity: {cpuMilli: 32000, memoryMiB: 32768, storageMiB: %d}
minRunway: %s
lowFunds: %s
billingCycle: %s
stopGrace: 2s
gateway:
  http: %s
  domain: pods.faults
metrics: %s
`, p.dataDir, n.chain.Addr(), n.info.Contracts.Payment, n.info.Contracts.Registry, n.info.Contracts.Block,
		n.cfg.confirmations, keyFile, p.p2pPort, announce, p.namespace, n.cfg.subnet, p.bridge, n.info.Contracts.Token,
		strings.Join(prices, ", "), 6*cycle, n.cfg.capacityMiB, 5*cycle, 30*cycle, cycle, p.gatewayAddr, p.metricsAddr)
	if err := os.WriteFile(p.cfgFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.forceCleanup(t) })
	return p
}

// start runs the daemon with env added to its environment.
func (p *providerProc) start(t *testing.T, env ...string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		t.Fatal("provider already running")
	}
	logf, err := os.OpenFile(p.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(logf, "=== start %d at %s\n", p.starts+1, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(tpodBin, "provider", "run", "--config", p.cfgFile, "--log-level", "info")
	cmd.Env = append(append(os.Environ(), p.extraEnv...), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group, and gone with the test binary.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(exited) }()
	p.cmd, p.last, p.exited = cmd, cmd, exited
	if p.starts > 0 {
		// Each restart may cost the pods a second of metering.
		p.n.mu.Lock()
		p.n.downtime += time.Second
		p.n.mu.Unlock()
	}
	p.starts++
}

// running reports whether the daemon process is alive.
func (p *providerProc) running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// signal sends sig to the daemon and, for SIGKILL and SIGTERM, waits for it
// to exit.
func (p *providerProc) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	p.mu.Lock()
	cmd, exited := p.cmd, p.exited
	p.mu.Unlock()
	if cmd == nil {
		t.Fatal("provider not running")
	}
	cmd.Process.Signal(sig)
	if sig != syscall.SIGKILL && sig != syscall.SIGTERM {
		return
	}
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("provider did not exit after %v", sig)
	}
	p.mu.Lock()
	p.cmd = nil
	p.mu.Unlock()
}

// exitSignal is the signal that ended the daemon's last run (0 if none).
func (p *providerProc) exitSignal() syscall.Signal {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil || p.last.ProcessState == nil {
		return 0
	}
	if ws, ok := p.last.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// waitExit waits for a daemon that kills itself (a crash point) to be gone.
func (p *providerProc) waitExit(t *testing.T, d time.Duration) {
	t.Helper()
	p.mu.Lock()
	exited := p.exited
	p.mu.Unlock()
	select {
	case <-exited:
	case <-time.After(d):
		t.Fatalf("provider still running after %v", d)
	}
	p.mu.Lock()
	p.cmd = nil
	p.mu.Unlock()
}

// waitReady waits until the daemon is registered, its metrics answer and
// its gateway answers requests, which it does once the daemon has restored
// its pods (until then connections wait in the listener's queue).
func (p *providerProc) waitReady(t *testing.T, d time.Duration) {
	t.Helper()
	reg := chain.NewRegistry(p.n.dev.Client(), p.n.info.Contracts.Registry)
	provider, _ := p.n.dev.Wallet(devnet.LabelProvider)
	waitFor(t, d, "the provider to be ready", func() bool {
		if !p.running() {
			t.Fatalf("provider exited; log:\n%s", p.logTail(60))
		}
		if ok, _ := reg.IsActive(context.Background(), provider.Address()); !ok {
			return false
		}
		if _, err := p.metric("tpod_provider_pods"); err != nil {
			return false
		}
		code, _, err := p.n.get("ready.invalid", time.Second)
		return err == nil && code == http.StatusNotFound
	})
}

// metric reads one unlabelled value from the daemon's /metrics.
func (p *providerProc) metric(name string) (float64, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + p.metricsAddr + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, name+" ") {
			return strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, name)), 64)
		}
	}
	return 0, fmt.Errorf("metric %s not found", name)
}

// logTail is the last n lines of the daemon's log.
func (p *providerProc) logTail(n int) string {
	b, _ := os.ReadFile(p.logFile)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logHas reports whether the daemon's log holds a line matching re.
func (p *providerProc) logHas(re string) bool {
	b, _ := os.ReadFile(p.logFile)
	return regexp.MustCompile(re).Match(b)
}

// containerdSocket is the private containerd's socket (provider daemon.go).
func (p *providerProc) containerdSocket() string {
	return filepath.Join(p.stateDir, "containerd", "containerd.sock")
}

// containerdPID is the process ID of the daemon's private containerd, 0 if
// none runs.
func (p *providerProc) containerdPID() int {
	pids := pgrep("containerd --config " + filepath.Join(p.stateDir, "containerd", "config.toml"))
	if len(pids) == 0 {
		return 0
	}
	return pids[0]
}

// pgrep returns the IDs of processes whose command line contains s.
func pgrep(s string) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	self := os.Getpid()
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		if strings.Contains(string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})), s) {
			out = append(out, pid)
		}
	}
	return out
}

// waitFor polls cond every 200 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// publisher is one dev account deploying through the tpod CLI, with its own
// deployment records.
type publisher struct {
	n        *network
	account  string
	address  common.Address
	stateDir string
	last     *deployment
}

// newPublisher hands out the next unused dev account.
func (n *network) newPublisher(t *testing.T) *publisher {
	t.Helper()
	n.mu.Lock()
	i := 4 + n.accounts
	n.accounts++
	n.mu.Unlock()
	label := fmt.Sprintf("dev%d", i)
	acc, ok := n.info.Account(label)
	if !ok {
		t.Fatalf("no dev account %s", label)
	}
	dir := filepath.Join(n.dir, "publisher-"+label)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return &publisher{n: n, account: label, address: acc.Address, stateDir: dir}
}

// result is a finished tpod command.
type result struct {
	args           []string
	stdout, stderr string
	err            error
}

func (r result) String() string {
	return fmt.Sprintf("tpod %s: %v\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.err, r.stdout, r.stderr)
}

// run runs a tpod command as this publisher and returns when it ends (or
// when ctx ends, killing it).
func (pb *publisher) run(ctx context.Context, args ...string) result {
	cmd := pb.command(ctx, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return result{args: args, stdout: out.String(), stderr: errb.String(), err: err}
}

func (pb *publisher) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append(append([]string{}, args...), "--network", pb.n.netFile, "--account", pb.account, "--state-dir", pb.stateDir)
	cmd := exec.CommandContext(ctx, tpodBin, full...)
	cmd.Env = append(os.Environ(), "TPOD_STATE_DIR="+pb.stateDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// must runs a command that has to succeed.
func (pb *publisher) must(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	r := pb.run(ctx, args...)
	if r.err != nil {
		t.Fatalf("%s\nprovider log:\n%s", r, pb.n.prov.logTail(40))
	}
	return r
}

// manifest writes a pod manifest into the test directory and returns its
// path. kind: "hello" (one web container, always on), "sleepy" (scales to
// zero after idle), or a podtest manifest given as YAML.
func (n *network) manifest(t *testing.T, name, yaml string) string {
	t.Helper()
	p := filepath.Join(n.dir, name+".yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// helloPod is the example web pod: 100 millicores, 32 MiB, 16 MiB storage.
func helloPod(name string, minScale int, idle string) string {
	scale := fmt.Sprintf("  scale: {min: %d, max: 1}\n", minScale)
	if minScale == 0 {
		scale = fmt.Sprintf("  scale: {min: 0, max: 1, idleTimeout: %s}\n", idle)
	}
	return fmt.Sprintf(`apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: %s
spec:
  containers:
  - name: web
    image: hello:latest
    args: ["-addr", ":8080"]
    ports:
    - containerPort: 8080
      expose: http
    resources: {cpu: 100m, memory: 32Mi, storage: 16Mi}
%s`, name, scale)
}

// versionedPod is a podtest web pod whose config volume says its version:
// GET /file?path=/conf/version through the gateway shows which spec runs.
func versionedPod(version string) string {
	return fmt.Sprintf(`apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: versioned
spec:
  containers:
  - name: web
    image: podtest:latest
    args: ["serve"]
    ports:
    - containerPort: 8080
      expose: http
    resources: {cpu: 100m, memory: 32Mi, storage: 16Mi}
    volumeMounts:
    - {name: conf, mountPath: /conf, readOnly: true}
  volumes:
  - name: conf
    config: {files: [{path: version, data: %q}]}
  scale: {min: 1, max: 1}
`, version)
}

// deployment is a pod a publisher deployed.
type deployment struct {
	pb       *publisher
	ID       string // the deployment record's ID
	Channel  [32]byte
	Host     string // the gateway hostname
	CPUMilli uint64
	// Began is when the command that created the pod started (a deploy or
	// a resume), StartedAt when it returned; StopAt is when its delete
	// started (the pod stops first), EndedAt when it returned. The pod ran
	// no longer than EndedAt − Began and at least StopAt − StartedAt, less
	// the downtime a test allows (network.downtime).
	Began, StartedAt, StopAt, EndedAt time.Time
	// SkipMetered leaves the pod out of finish's check of metered time (a
	// pod that does not run all along); MaxRun, when set, replaces it with
	// an upper bound on the running time charged (a pod that stopped).
	SkipMetered bool
	MaxRun      time.Duration
}

// record is the part of a deployment record (docs/publisher.md) the tests
// read.
type record struct {
	ID        string `json:"id"`
	Step      string `json:"step"`
	ChannelID string `json:"channelId"`
	BundleCID string `json:"bundleCid"`
	Resources struct {
		CPUMilli uint64 `json:"cpuMilli"`
	} `json:"resources"`
	Endpoints []struct {
		Name     string `json:"name"`
		Protocol string `json:"protocol"`
		Address  string `json:"address"`
	} `json:"endpoints"`
	LastError string `json:"lastError"`
}

// records reads the publisher's deployment records.
func (pb *publisher) records(t *testing.T) []record {
	t.Helper()
	ents, err := os.ReadDir(pb.stateDir)
	if err != nil {
		t.Fatal(err)
	}
	var out []record
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(pb.stateDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var r record
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("record %s: %v", e.Name(), err)
		}
		out = append(out, r)
	}
	return out
}

func (pb *publisher) record(t *testing.T, id string) record {
	t.Helper()
	for _, r := range pb.records(t) {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no deployment record %s in %s", id, pb.stateDir)
	return record{}
}

// deployArgs are the arguments of `tpod deploy` for a manifest of the hello
// image.
func (pb *publisher) deployArgs(manifest string, funds string) []string {
	return []string{"deploy", "-f", manifest, "--provider", "provider", "--insecure-allow-simulated",
		"--image", "hello:latest=" + images.hello, "--image", "podtest:latest=" + images.podtest,
		"--funds", funds, "--dispute-period", (6 * pb.n.cfg.billingCycle).String()}
}

// deploy deploys a manifest and returns the running deployment.
func (pb *publisher) deploy(t *testing.T, manifest, funds string) *deployment {
	t.Helper()
	began := time.Now()
	pb.must(t, pb.deployArgs(manifest, funds)...)
	defer func() { pb.last.Began = began }()
	var newest record
	for _, r := range pb.records(t) {
		if r.Step == "provisioned" && !pb.known(r.ID) {
			newest = r
		}
	}
	if newest.ID == "" {
		t.Fatalf("deploy left no provisioned record in %s", pb.stateDir)
	}
	pb.last = pb.deployment(t, newest)
	return pb.last
}

// resume finishes an interrupted deployment and returns it.
func (pb *publisher) resume(t *testing.T, id string) *deployment {
	t.Helper()
	began := time.Now()
	pb.must(t, "deploy", "--resume", id)
	d := pb.deployment(t, pb.record(t, id))
	d.Began = began
	return d
}

var seen sync.Map // deployment IDs handed out

func (pb *publisher) known(id string) bool { _, ok := seen.Load(id); return ok }

// deployment turns a provisioned record into a deployment.
func (pb *publisher) deployment(t *testing.T, r record) *deployment {
	t.Helper()
	seen.Store(r.ID, true)
	now := time.Now()
	d := &deployment{pb: pb, ID: r.ID, CPUMilli: r.Resources.CPUMilli, Began: now, StartedAt: now}
	b := common.FromHex(r.ChannelID)
	if len(b) != 32 {
		t.Fatalf("record %s has channel %q", r.ID, r.ChannelID)
	}
	copy(d.Channel[:], b)
	for _, e := range r.Endpoints {
		if e.Protocol == "http" {
			d.Host = e.Name
		}
	}
	return d
}

// get sends one request for / to a pod through the gateway.
func (n *network) get(host string, timeout time.Duration) (int, string, error) {
	return n.getPath(host, "/", timeout)
}

// getPath sends one GET to a pod through the gateway.
func (n *network) getPath(host, path string, timeout time.Duration) (int, string, error) {
	req, _ := http.NewRequest("GET", "http://"+n.prov.gatewayAddr+path, nil)
	req.Host = host
	c := http.Client{Timeout: timeout}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String(), nil
}

// waitServing waits until the pod answers 200 through the gateway.
func (n *network) waitServing(t *testing.T, d *deployment, within time.Duration) {
	t.Helper()
	waitFor(t, within, "pod "+d.Host+" to serve", func() bool {
		code, _, err := n.get(d.Host, 5*time.Second)
		return err == nil && code == 200
	})
}
