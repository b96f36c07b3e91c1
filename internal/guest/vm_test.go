package guest_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/cli"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/guest"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/usage"
)

// TestVM boots the guest image (make image) under QEMU TCG with the
// simulated TEE (docs/image.md, "The boot test"): the provider in the VM
// registers on the host's dev chain, a publisher on the host deploys a pod
// and reads it through the VM's gateway, receipts are claimed; after a
// graceful power-off the VM boots again, unseals its keys and disk,
// restores the pod and claims on without paying anything twice; the data
// disk holds none of the pod's plaintext; a tampered disk is refused.
//
// It needs TPOD_IMAGE_DIR (scripts/test.sh builds the image and sets it)
// and qemu-system-x86_64 and socat.
func TestVM(t *testing.T) {
	imgDir := os.Getenv("TPOD_IMAGE_DIR")
	if imgDir == "" {
		t.Skip("TPOD_IMAGE_DIR is not set (make image; scripts/test.sh sets it)")
	}
	for _, bin := range []string{"qemu-system-x86_64", "socat"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("%s is needed (scripts/deps.sh installs it)", bin)
		}
	}
	testStart := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	work := t.TempDir()

	// The dev chain on the host.
	dn, err := devnet.Start(ctx, devnet.Config{BlockPeriod: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer dn.Close()
	info := dn.Info()
	netFile := filepath.Join(work, "devnet.json")
	if err := devnet.WriteInfo(netFile, info); err != nil {
		t.Fatal(err)
	}
	var provKey string
	for _, a := range info.Accounts {
		if a.Label == devnet.LabelProvider {
			provKey = a.PrivateKey
		}
	}
	rpcPort := info.RPC.HTTP[strings.LastIndex(info.RPC.HTTP, ":")+1:]

	// The VM's disks: configuration (the operator's), sealing key (the
	// simulated TEE's), data (blank: formatted at first boot).
	p2pPort, gwPort := freePort(t), freePort(t)
	prices := map[string]string{"cpu": "1000000000", "memory": "1000000000", "storage": "0", "gpu": "0",
		"cpu-used": "1000000000", "memory-used": "0", "egress": "1000000000"}
	op := map[string]any{
		"version": 1, "region": "vmtest",
		"chain": map[string]any{"rpc": "http://10.0.2.100:8545", "payment": info.Contracts.Payment.Hex(),
			"registry": info.Contracts.Registry.Hex(), "fromBlock": info.Contracts.Block},
		"pricing":   []any{map[string]any{"token": info.Contracts.Token.Hex(), "prices": prices, "minDisputePeriod": "12s"}},
		"capacity":  map[string]any{"cpuMilli": 2000, "memoryMiB": 1024, "storageMiB": 2048},
		"minRunway": "1m", "lowFunds": "5m", "billingCycle": "3s", "stopGrace": "5s",
		"p2p":     map[string]any{"announce": []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", p2pPort)}},
		"gateway": map[string]any{"http": "0.0.0.0:8080", "domain": "pods.localhost"},
	}
	opJSON, _ := json.Marshal(op)
	writeConfigDisk(t, filepath.Join(work, "config.img"), opJSON, []byte(strings.TrimPrefix(provKey, "0x")))
	for name, size := range map[string]int64{"seal.img": 1 << 20, "data.img": 320 << 20} {
		if err := os.Truncate(filepath.Join(work, name), 0); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(work, name))
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(size)
		f.Close()
	}
	// The host launcher records the launch inputs on the seal disk, as a
	// firmware gets the kernel-hashes table: the simulated TEE's
	// measurement is computed from them.
	launch, err := measure.HashImage(imgDir)
	if err != nil {
		t.Fatal(err)
	}
	if err := guest.WriteSimulatedLaunch(filepath.Join(work, "seal.img"), launch); err != nil {
		t.Fatal(err)
	}
	vm := &qemu{t: t, dir: work, img: imgDir, rpcPort: rpcPort, p2pPort: p2pPort, gwPort: gwPort}
	t.Cleanup(vm.keepOnFailure)

	// First boot: the provider registers.
	boot1 := time.Now()
	vm.start(ctx)
	ready1 := vm.waitFor(ctx, "registered", bootTimeout)
	t.Logf("first boot: provider registered %.1f s after QEMU started (guest: %s)", ready1.Sub(boot1).Seconds(), vm.line(`provider started [0-9.]+ s after init`))
	signer1 := vm.line(`msg="enclave open".*signer=0x[0-9a-fA-F]+`)

	// A publisher on the host deploys two pods: one with an env value that
	// must survive the reboot, one with a secret (the containerd runtime
	// keeps secrets in RAM only, so that pod needs its publisher's Update
	// after a reboot: docs/runtime.md). Both values are searched for on the
	// disk at the end.
	envValue := "vmtest-env-" + hex.EncodeToString(randBytes(8))
	secretValue := "vmtest-secret-" + hex.EncodeToString(randBytes(8))
	os.WriteFile(filepath.Join(work, "secret"), []byte(secretValue), 0o600)
	podYAML := func(name, extra string) string {
		p := filepath.Join(work, name+".yaml")
		os.WriteFile(p, []byte(fmt.Sprintf(`apiVersion: tpod.dev/v1
kind: Pod
metadata: {name: %s}
spec:
  containers:
  - name: web
    image: hello:latest
    args: ["-addr", ":8080"]
    env: [{name: VMTEST_VALUE, value: %q}]
    ports: [{containerPort: 8080, expose: http}]
    resources: {cpu: 100m, memory: 32Mi, storage: 16Mi}
%s  scale: {min: 1, max: 1}
`, name, envValue, extra)), 0o644)
		return p
	}
	hello := filepath.Join(work, "hello.tar")
	if out, err := exec.CommandContext(ctx, "go", "run", "../../examples/hello/build", "-o", hello).CombinedOutput(); err != nil {
		t.Fatalf("build the hello image: %v\n%s", err, out)
	}
	pub := func(args ...string) []byte {
		t.Helper()
		var out, errb bytes.Buffer
		full := append([]string{"--network", netFile, "--account", "publisher", "--state-dir", filepath.Join(work, "state"), "-o", "json"}, args...)
		if code := cli.Main(ctx, full, &out, &errb); code != 0 {
			vm.dumpConsole()
			t.Fatalf("tpod %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
		}
		return out.Bytes()
	}
	// The policy of this image (what a release embeds): the deploys pin
	// the VM's measurement and configuration and its peer ID.
	policy := filepath.Join(work, "policy.json")
	if code := cli.Main(ctx, []string{"policy", "build", "--image", imgDir, "--out", policy}, io.Discard, os.Stderr); code != 0 {
		t.Fatalf("tpod policy build: exit %d", code)
	}
	deploy := func(manifest string, extra ...string) (id, host string) {
		t.Helper()
		var dep struct {
			ID, Measurement string
		}
		json.Unmarshal(pub(append([]string{"deploy", "-f", manifest, "--image", "hello:latest=" + hello,
			"--dispute-period", "20s", "--insecure-allow-simulated", "--policy", policy}, extra...)...), &dep)
		if m := attest.SimulatedMeasurement(&launch); dep.Measurement != hex.EncodeToString(m[:]) {
			t.Fatalf("deployed with measurement %q, want the image's %x", dep.Measurement, m)
		}
		var st struct {
			Endpoints []struct{ Name, Address string }
		}
		json.Unmarshal(pub("pod", "status", dep.ID), &st)
		if len(st.Endpoints) == 0 {
			t.Fatal("no endpoint")
		}
		return dep.ID, st.Endpoints[0].Name
	}
	deployStart := time.Now()
	podID, host := deploy(podYAML("vmtest", ""))
	page := vm.get(ctx, host)
	t.Logf("deploy → first page through the VM's gateway: %.1f s", time.Since(deployStart).Seconds())
	if !strings.Contains(strings.ToLower(page), "hello") {
		t.Fatalf("unexpected page: %q", page)
	}
	_, secretHost := deploy(podYAML("vmtest-secret", `    volumeMounts: [{name: creds, mountPath: /run/secrets}]
  volumes:
  - {name: creds, secret: {secrets: [vmtest-secret]}}
`), "--secret", "vmtest-secret="+filepath.Join(work, "secret"))
	vm.get(ctx, secretHost)
	dep := struct{ ID string }{podID}

	// Receipts are claimed on-chain.
	funds := func() fundsView {
		var f fundsView
		json.Unmarshal(pub("funds", "show", dep.ID), &f)
		return f
	}
	f1 := waitFunds(t, funds, func(f fundsView) bool { return f.spent().Sign() > 0 && f.LastReceiptSeq >= 2 })
	t.Logf("before power-off: spent %s, receipt #%d", f1.Spent, f1.LastReceiptSeq)

	// Graceful power-off (ctrl-alt-del), then boot the same disks again.
	vm.powerOff(ctx)
	vm.keepConsole("boot1.log")
	noIntegrityErrors(t, vm)
	if !strings.Contains(vm.console.String(), "claimed the last receipts") {
		t.Error("the provider did not claim before stopping")
	}
	f2 := funds()
	boot2 := time.Now()
	vm.start(ctx)
	ready2 := vm.waitFor(ctx, "registered|provider running", bootTimeout)
	t.Logf("second boot: provider ready %.1f s after QEMU started", ready2.Sub(boot2).Seconds())
	if vm.line(`formatting the data disk`) != "" {
		t.Fatal("the data disk was formatted again")
	}
	if s := vm.line(`msg="enclave open".*signer=0x[0-9a-fA-F]+`); s == "" || signerOf(s) != signerOf(signer1) {
		t.Fatalf("enclave keys changed across the reboot: %q then %q", signer1, s)
	}
	vm.get(ctx, host) // the pod was restored
	f3 := waitFunds(t, funds, func(f fundsView) bool { return f.LastReceiptSeq > f2.LastReceiptSeq+1 })
	// Nothing paid twice: what the channel paid in all is at most the cost
	// of the last receipt's cumulative usage at the channel's prices.
	cost := new(big.Int)
	for i, name := range usage.Names {
		p, _ := new(big.Int).SetString(prices[name], 10)
		cost.Add(cost, new(big.Int).Mul(p, new(big.Int).SetUint64(f3.Usage[i])))
	}
	if f3.spent().Cmp(cost) > 0 || f3.spent().Cmp(f2.spent()) <= 0 {
		t.Fatalf("after the reboot: spent %s (before %s), cost of the last receipt's usage %s", f3.Spent, f2.Spent, cost)
	}
	t.Logf("after the reboot: spent %s at receipt #%d (≤ usage cost %s)", f3.Spent, f3.LastReceiptSeq, cost)
	vm.powerOff(ctx)
	vm.keepConsole("boot2.log")
	noIntegrityErrors(t, vm)

	// The data disk holds no plaintext of the pod.
	disk, err := os.ReadFile(filepath.Join(work, "data.img"))
	if err != nil {
		t.Fatal(err)
	}
	podIDBytes, _ := hex.DecodeString(strings.TrimPrefix(dep.ID, "0x"))
	needles := map[string][]byte{
		"env value": []byte(envValue), "secret": []byte(secretValue),
		"pod ID (hex)": []byte(strings.TrimPrefix(strings.ToLower(dep.ID), "0x")), "image layer": layerChunk(t, hello),
	}
	if len(podIDBytes) == 32 {
		needles["pod ID (bytes)"] = podIDBytes
	}
	for name, n := range needles {
		if len(n) < 16 {
			t.Fatalf("needle %s too short", name)
		}
		if bytes.Contains(disk, n) {
			t.Errorf("the data disk holds the %s in plaintext", name)
		}
	}
	// The search would find them if they were there: the host-visible
	// config disk holds the plaintext operator configuration.
	if cfgDisk, _ := os.ReadFile(filepath.Join(work, "config.img")); !bytes.Contains(cfgDisk, []byte(info.Contracts.Payment.Hex())) {
		t.Fatal("the plaintext search does not work")
	}

	// A tampered disk: flip a byte in every 4 KiB past the LUKS2 header.
	for off := int64(16 << 20); off < int64(len(disk)); off += 4096 {
		disk[off+100] ^= 0x5a
	}
	os.WriteFile(filepath.Join(work, "data.img"), disk, 0o644)
	vm.start(ctx)
	vm.waitExit(ctx, bootTimeout)
	vm.keepConsole("boot3-tampered.log")
	con := vm.console.String()
	if strings.Contains(con, "provider running") || !strings.Contains(con, "FATAL") {
		t.Fatalf("a tampered data disk was served:\n%s", tail(con, 30))
	}
	if !integrityError.MatchString(con) && !strings.Contains(strings.ToLower(con), "bad message") {
		t.Fatalf("the tampering was not reported as an integrity error:\n%s", tail(con, 30))
	}
	t.Logf("tampered disk refused: %s", vm.line(`FATAL.*`))
	t.Logf("the whole VM test took %.0f s", time.Since(testStart).Seconds())
}

// bootTimeout bounds a boot. It is a liveness bound, not a figure: single-
// threaded TCG on a 2-core host that the rest of the suite keeps busy took
// 87–159 s to the first registration at load averages 7–17.
const bootTimeout = 6 * time.Minute

// integrityError is what the kernel logs when a sector fails its tag.
var integrityError = regexp.MustCompile(`(?i)AEAD ERROR|checksum failed|integrity.*error|I/O error`)

// noIntegrityErrors checks that a normal boot read no sector that fails its
// tag: with --integrity-no-wipe, reading a sector never written would.
func noIntegrityErrors(t *testing.T, vm *qemu) {
	t.Helper()
	if m := integrityError.FindString(vm.console.String()); m != "" {
		vm.dumpConsole()
		t.Fatalf("integrity error on an untampered disk: %q", m)
	}
}

type fundsView struct {
	Spent          string       `json:"spent"`
	LastReceiptSeq uint64       `json:"lastReceiptSeq"`
	Usage          usage.Vector `json:"usage"`
}

func (f fundsView) spent() *big.Int { n, _ := new(big.Int).SetString(f.Spent, 10); return n }

func waitFunds(t *testing.T, get func() fundsView, ok func(fundsView) bool) fundsView {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		f := get()
		if f.Spent != "" && ok(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("claims did not advance: %+v", f)
		}
		time.Sleep(2 * time.Second)
	}
}

func signerOf(line string) string { return line[strings.LastIndex(line, "signer=")+7:] }

// qemu runs the guest image with the disks in dir.
type qemu struct {
	t                 *testing.T
	dir, img, rpcPort string
	p2pPort, gwPort   int
	cmd               *exec.Cmd
	mu                sync.Mutex
	console           *syncBuffer
	exited            chan struct{}
	// earlier holds the consoles of the boots before the current one;
	// dumped says whether the current one was logged.
	earlier []string
	dumped  bool
}

func (q *qemu) start(ctx context.Context) {
	q.t.Helper()
	read := func(name string) string { b, _ := os.ReadFile(filepath.Join(q.img, name)); return string(b) }
	mon := filepath.Join(q.dir, "monitor.sock")
	os.Remove(mon)
	disk := func(file, serial string, ro bool) []string {
		id := strings.TrimSuffix(file, ".img")
		d := fmt.Sprintf("file=%s,format=raw,if=none,id=%s", filepath.Join(q.dir, file), id)
		if ro {
			d += ",readonly=on"
		}
		return []string{"-drive", d, "-device", fmt.Sprintf("virtio-blk-pci,drive=%s,serial=%s", id, serial)}
	}
	// One host thread runs both vCPUs (thread=single, not multi-threaded
	// TCG): under MTTCG a vCPU can keep executing kernel code that the other
	// vCPU has just live-patched (jump labels, text_poke_bp's int3), and on
	// a loaded host the guest then dies of "Oops: int3 ... Fatal exception
	// in interrupt" (docs/image.md §9).
	args := []string{"-accel", "tcg,thread=single", "-cpu", "max", "-m", "2048", "-smp", "2", "-nographic", "-no-reboot",
		"-kernel", filepath.Join(q.img, "vmlinuz"), "-initrd", filepath.Join(q.img, "initrd.img"), "-append", read("cmdline"),
		"-monitor", "unix:" + mon + ",server,nowait", "-device", "virtio-rng-pci",
		// The guest reaches only the host's chain RPC; the host reaches
		// only the guest's libp2p and gateway ports, on 127.0.0.1.
		"-netdev", fmt.Sprintf("user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:8545-cmd:socat STDIO TCP:127.0.0.1:%s,hostfwd=tcp:127.0.0.1:%d-:4001,hostfwd=tcp:127.0.0.1:%d-:8080",
			q.rpcPort, q.p2pPort, q.gwPort),
		"-device", "virtio-net-pci,netdev=n0"}
	args = append(args, disk("data.img", "tpod-data", false)...)
	args = append(args, disk("config.img", "tpod-config", true)...)
	args = append(args, disk("seal.img", "tpod-seal-insecure", false)...)
	q.cmd = exec.CommandContext(ctx, "qemu-system-x86_64", args...)
	if q.console != nil {
		q.earlier = append(q.earlier, q.console.String())
	}
	q.console, q.dumped = &syncBuffer{}, false
	q.cmd.Stdout, q.cmd.Stderr = q.console, q.console
	if err := q.cmd.Start(); err != nil {
		q.t.Fatal(err)
	}
	q.exited = make(chan struct{})
	go func() { q.cmd.Wait(); close(q.exited) }()
	q.t.Cleanup(func() {
		select {
		case <-q.exited:
		default:
			q.cmd.Process.Kill()
			<-q.exited
		}
	})
}

// waitFor waits for a console line matching re and returns when it came.
func (q *qemu) waitFor(ctx context.Context, re string, timeout time.Duration) time.Time {
	q.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if rx.MatchString(q.console.String()) {
			return time.Now()
		}
		select {
		case <-q.exited:
			q.dumpConsole()
			q.t.Fatalf("the VM stopped before %q", re)
		case <-ctx.Done():
			q.t.Fatal(ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	q.dumpConsole()
	q.t.Fatalf("no %q on the console after %s", re, timeout)
	return time.Time{}
}

func (q *qemu) line(re string) string {
	return regexp.MustCompile(re).FindString(q.console.String())
}

// kernelTrouble matches the guest kernel's reports of a fault (oops, BUG,
// panic) or of a warning that precedes one (stalls, lockups, allocation
// failures).
var kernelTrouble = regexp.MustCompile(`Kernel panic|BUG:|Oops|general protection fault|WARNING:|rcu: INFO|rcu_.*stall|soft lockup|hung_task|blocked for more than|page allocation failure|Out of memory|clocksource.*unstable|Call Trace`)

// dumpConsole logs the guest kernel's trouble reports of this boot in full
// (from the first, up to 200 lines), then the console's last 80 lines.
func (q *qemu) dumpConsole() {
	q.dumped = true
	con := q.console.String()
	if loc := kernelTrouble.FindStringIndex(con); loc != nil {
		start := strings.LastIndex(con[:loc[0]], "\n") + 1
		q.t.Logf("guest kernel trouble:\n%s", head(con[start:], 200))
	}
	q.t.Logf("console (last 80 lines):\n%s", tail(con, 80))
}

// keepOnFailure, a cleanup, writes every boot's whole console to
// $TPOD_VM_KEEP (or a new directory under the system's temporary one) when
// the test failed, so the guest's side of a failure is never lost.
func (q *qemu) keepOnFailure() {
	if !q.t.Failed() || q.console == nil {
		return
	}
	if !q.dumped {
		q.dumpConsole()
	}
	dir := os.Getenv("TPOD_VM_KEEP")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "tpod-vm-console-"); err != nil {
			q.t.Logf("keep the console: %v", err)
			return
		}
	}
	os.MkdirAll(dir, 0o755)
	consoles := append(append([]string(nil), q.earlier...), q.console.String())
	for i, con := range consoles {
		name := filepath.Join(dir, fmt.Sprintf("failed-boot%d.log", i+1))
		if err := os.WriteFile(name, []byte(con), 0o644); err != nil {
			q.t.Logf("keep the console: %v", err)
		}
		if loc := kernelTrouble.FindStringIndex(con); loc != nil {
			q.t.Logf("boot %d: the guest kernel reported trouble (%q); whole console in %s", i+1, con[loc[0]:loc[1]], name)
		}
	}
	q.t.Logf("the consoles of the %d boot(s) are in %s", len(consoles), dir)
}

// keepConsole copies the console to $TPOD_VM_KEEP/<name> (for profiling).
func (q *qemu) keepConsole(name string) {
	if dir := os.Getenv("TPOD_VM_KEEP"); dir != "" {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(q.console.String()), 0o644)
	}
}

// powerOff presses ctrl-alt-del through the monitor: the guest's init
// stops the provider (which claims), closes the disk and powers off.
func (q *qemu) powerOff(ctx context.Context) {
	q.t.Helper()
	c, err := net.Dial("unix", filepath.Join(q.dir, "monitor.sock"))
	if err != nil {
		q.t.Fatal(err)
	}
	fmt.Fprintf(c, "sendkey ctrl-alt-delete\n")
	time.Sleep(500 * time.Millisecond)
	c.Close()
	q.waitExit(ctx, 3*time.Minute)
	if !strings.Contains(q.console.String(), "powering off") {
		q.dumpConsole()
		q.t.Fatal("the guest did not power off by itself")
	}
}

func (q *qemu) waitExit(ctx context.Context, timeout time.Duration) {
	q.t.Helper()
	select {
	case <-q.exited:
	case <-time.After(timeout):
		q.dumpConsole()
		q.t.Fatal("the VM did not stop")
	case <-ctx.Done():
		q.t.Fatal(ctx.Err())
	}
}

// get fetches / from the pod through the VM's gateway (forwarded to the
// host's 127.0.0.1), retrying while the pod starts.
func (q *qemu) get(ctx context.Context, host string) string {
	q.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://127.0.0.1:%d/", q.gwPort), nil)
		req.Host = host
		resp, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(b)
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, b)
		} else {
			last = err.Error()
		}
		select {
		case <-q.exited:
			q.dumpConsole()
			q.t.Fatalf("the VM stopped while waiting for a page from %s: %s", host, last)
		case <-time.After(time.Second):
		}
	}
	q.dumpConsole()
	q.t.Fatalf("no page from %s through the VM's gateway: %s", host, last)
	return ""
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func head(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(cryptoRand{}, b); err != nil {
		panic(err)
	}
	return b
}

// writeConfigDisk writes the operator's configuration disk: a ustar
// archive of config.json and wallet.key, padded to 1 MiB.
func writeConfigDisk(t *testing.T, path string, cfg, key []byte) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct {
		name string
		body []byte
	}{{"config.json", cfg}, {"wallet.key", key}} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.body)), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
		tw.Write(f.body)
	}
	tw.Close()
	b := buf.Bytes()
	b = append(b, make([]byte, (1<<20)-len(b))...)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// layerChunk is 64 bytes from the middle of the largest file in the image
// archive's layers: content that must never appear on the disk in clear.
func layerChunk(t *testing.T, archive string) []byte {
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var best []byte
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Typeflag != tar.TypeReg || h.Size < 1<<16 {
			continue
		}
		blob, _ := io.ReadAll(tr)
		zr, err := gzip.NewReader(bytes.NewReader(blob))
		var lr io.Reader = bytes.NewReader(blob)
		if err == nil {
			lr = zr
		}
		inner := tar.NewReader(bufio.NewReader(lr))
		for {
			ih, err := inner.Next()
			if err != nil {
				break
			}
			if ih.Typeflag == tar.TypeReg && ih.Size > int64(len(best)) {
				best, _ = io.ReadAll(inner)
			}
		}
	}
	if len(best) < 1<<16 {
		t.Fatal("no layer file found in the image archive")
	}
	mid := len(best) / 2
	return best[mid : mid+64]
}

type cryptoRand struct{}

func (cryptoRand) Read(p []byte) (int, error) { return rand.Read(p) }
