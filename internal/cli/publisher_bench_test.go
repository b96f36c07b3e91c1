package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/publisher"
)

// TestDeployBenchReport measures `tpod deploy` → first HTTP 200 on the
// in-process network (devnet + provider on containerd), median over several
// deploys. It runs with TPOD_BENCH=1 (scripts/bench.sh) and rewrites the
// "## Deploy" section of docs/benchmarks.md with TPOD_BENCH_WRITE=1.
func TestDeployBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	loadAtStart := benchdoc.LoadAvg()
	type result struct {
		totals []time.Duration
		steps  map[string][]time.Duration
		image  string
	}
	measure := func(t *testing.T, period uint64, runs int) result {
		w := newPubWorldPeriod(t, period)
		hello, _ := filepath.Abs("../../examples/hello/pod.yaml")
		t.Setenv("TPOD_STATE_DIR", t.TempDir())
		t.Setenv("TPOD_NETWORK", w.netFile)
		r := result{steps: map[string][]time.Duration{}, image: w.hello}
		stepRE := regexp.MustCompile(`✓ (.*) \(([0-9.]+[µm]?s)\)`)
		client := http.Client{Timeout: time.Second}
		for i := range runs {
			var out, errb bytes.Buffer
			start := time.Now()
			code := Main(context.Background(), []string{"deploy", "-f", hello, "--provider", "provider", "--account", "publisher",
				"--insecure-allow-simulated", "--image", "hello:latest=" + w.hello, "--funds", "1000000", "--dispute-period", "10s", "--output", "json"}, &out, &errb)
			if code != 0 {
				t.Fatalf("deploy %d: exit %d: %s", i, code, errb.String())
			}
			rec := firstOK(t, &client, out.Bytes(), start)
			d := time.Since(start)
			r.totals = append(r.totals, d)
			for _, m := range stepRE.FindAllStringSubmatch(errb.String(), -1) {
				if v, err := time.ParseDuration(m[2]); err == nil {
					r.steps[m[1]] = append(r.steps[m[1]], v)
				}
			}
			t.Logf("block period %ds: deploy %d → first 200: %s", period, i, d.Round(time.Millisecond))
			if code := Main(context.Background(), []string{"pod", "delete", rec.ID, "--account", "publisher"}, &out, &errb); code != 0 {
				t.Fatalf("delete: %s", errb.String())
			}
		}
		return r
	}
	const runs, slowRuns = 9, 21
	var fast, slow result
	t.Run("block-per-tx", func(t *testing.T) { fast = measure(t, 0, runs) })
	t.Run("1s-blocks-user-path", func(t *testing.T) {
		totals, steps := measureUserPath(t, slowRuns)
		slow = result{totals: totals, steps: steps}
	})
	if len(fast.totals) != runs || len(slow.totals) != slowRuns {
		t.Fatal("a measurement failed")
	}
	totals, steps := fast.totals, fast.steps
	med := median(totals)
	verdict := "meets the goal"
	if med > 3*time.Second {
		verdict = "**misses the goal**"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s, Go %s, by `TPOD_BENCH=1 go test ./internal/cli -run TestDeployBenchReport` (scripts/bench.sh). Load average %s at the start, %s at the end (other builds share the machine).",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchdoc.Machine(), runtime.Version(), loadAtStart, benchdoc.LoadAvg())
	if l, err := strconv.ParseFloat(loadAtStart, 64); err != nil || l >= 2.5 {
		b.WriteString(" **The machine was busy: re-measure on a quiet one (load < 2.5).**")
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "`tpod deploy -f examples/hello/pod.yaml` (run in-process: no process start) until the pod's endpoint answers 200, on the in-process network of the CLI tests: the embedded dev chain (a block per transaction), one provider with the simulated TEE, embedded IPFS and the containerd runtime (runc); the publisher starts its own ephemeral IPFS node each time. The hello image is 1 layer, ~%s.\n\n", imageSize(fast.image))
	fmt.Fprintf(&b, "| figure | median | min | max | runs | goal |\n|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| deploy → first HTTP 200, a block per transaction | %s | %s | %s | %d | ≤ 3 s: %s |\n", ms(med), ms(minD(totals)), ms(maxD(totals)), runs, verdict)
	smed := median(slow.totals)
	sverdict := "meets the goal"
	if smed > 1500*time.Millisecond {
		sverdict = "**misses the goal**"
	}
	fmt.Fprintf(&b, "| deploy → first HTTP 200, a block every second: the user's path (`tpod devnet up --period 1` and `tpod deploy` as processes, HTTP through the gateway) | %s | %s | %s | %d | ≤ 1.5 s: %s |\n\n", ms(smed), ms(minD(slow.totals)), ms(maxD(slow.totals)), slowRuns, sverdict)
	stepTable := func(title string, steps map[string][]time.Duration) {
		fmt.Fprintf(&b, "%s (medians, as `tpod deploy` reports them on stderr):\n\n| step | median |\n|---|---|\n", title)
		names := make([]string, 0, len(steps))
		for n := range steps {
			names = append(names, n)
		}
		order := []string{"ephemeral", "connecting", "attestation", "quote", "encrypting", "approving", "creating", "opening", "fetching"}
		sort.Slice(names, func(i, j int) bool { return stepRank(names[i], order) < stepRank(names[j], order) })
		peerRE := regexp.MustCompile(`12D3Koo\w+`)
		numRE := regexp.MustCompile(`\b[0-9]{4,}\b`)
		for _, n := range names {
			label := numRE.ReplaceAllString(peerRE.ReplaceAllString(n, "PEER"), "N")
			v := ms(median(steps[n]))
			if median(steps[n]) < time.Millisecond {
				v = "< 1 ms"
			}
			fmt.Fprintf(&b, "| %s | %s |\n", label, v)
		}
		b.WriteString("\n")
	}
	stepTable("Steps of the deploy with a block per transaction", steps)
	stepTable("Steps of the deploy with a block every second", slow.steps)
	fmt.Fprintf(&b, "The provider's part (fetch the bundle over bitswap, decrypt, import the image into containerd, create the network namespace and start the container) and, with one-second blocks, the wait for the block that holds the channel's transaction dominate. The test token takes EIP-2612 permits, so the channel opens in one transaction (`createChannelWithPermit`): one block instead of two for approve and createChannel; a token without permits still takes two (docs/chain.md § Permits). A transaction waits for the next block: half a period on average, a whole one at worst, so with one-second blocks the second row moves by up to a second between runs. Its runs sample the block period evenly, as users arriving at random would: run i starts (i+½)/21 of a period after the previous run's delete (whose transaction was just mined); started right after that block, every run would wait most of a period for its channel (a median of 1.33 s in such a run). The first row runs `tpod deploy` in-process (no process start, ~0.1 s); the second starts real processes as a user does.\n")
	t.Log("\n" + b.String())
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		if err := benchdoc.WriteSection("## Deploy", b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

func stepRank(name string, order []string) int {
	for i, o := range order {
		if strings.Contains(name, o) {
			return i
		}
	}
	return len(order)
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func minD(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func maxD(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func imageSize(p string) string {
	fi, err := os.Stat(p)
	if err != nil {
		return "?"
	}
	return fmt.Sprintf("%.1f MiB", float64(fi.Size())/(1<<20))
}

// measureUserPath measures deploy → first 200 the way a user meets it:
// `tpod devnet up --period 1` (dev chain with a block a second, IPFS, and a
// provider on a private containerd) and `tpod deploy` as processes of the
// built binary, then HTTP requests through the provider's gateway (a new
// connection each, Host = the pod's name) until one answers 200. Each run's
// pod is deleted before the next. Needs root (the devnet's provider).
func measureUserPath(t *testing.T, runs int) ([]time.Duration, map[string][]time.Duration) {
	u := startUserDevnet(t, "--period", "1")
	stepRE := regexp.MustCompile(`✓ (.*) \(([0-9.]+[µm]?s)\)`)
	var totals []time.Duration
	steps := map[string][]time.Duration{}
	for i := -1; i < runs; i++ { // run -1 warms up (the provider's first pull of the image layer)
		// A user starts at any point of the block period. The previous
		// run's delete has just seen its transaction mined, so a block was
		// just sealed: run i starts (i+½)/runs of a period later, sampling
		// the phase evenly (back to back, every run would start just after
		// a block and wait most of a period for its own).
		if i >= 0 {
			time.Sleep(time.Duration(2*i+1) * time.Second / time.Duration(2*runs))
		}
		var out, errb bytes.Buffer
		deploy := u.cmd("deploy", "-f", "../../examples/hello/pod.yaml", "--account", "publisher", "--insecure-allow-simulated",
			"--image", "hello:latest="+u.helloTar, "--output", "json")
		deploy.Stdout, deploy.Stderr = &out, &errb
		start := time.Now()
		if err := deploy.Run(); err != nil {
			t.Fatalf("deploy %d: %v\n%s", i, err, errb.String())
		}
		rec := firstOK(t, u.client, out.Bytes(), start)
		d := time.Since(start)
		if i >= 0 {
			totals = append(totals, d)
			for _, m := range stepRE.FindAllStringSubmatch(errb.String(), -1) {
				if v, err := time.ParseDuration(m[2]); err == nil {
					steps[m[1]] = append(steps[m[1]], v)
				}
			}
		}
		t.Logf("user path, 1 s blocks: deploy %d → first 200: %s", i, d.Round(time.Millisecond))
		if out, err := u.cmd("pod", "delete", rec.ID, "--account", "publisher").CombinedOutput(); err != nil {
			t.Fatalf("delete: %v\n%s", err, out)
		}
	}
	for n, v := range steps {
		t.Logf("step %s: median %s", n, median(v).Round(time.Millisecond))
	}
	return totals, steps
}

// userDevnet is `tpod devnet up` run as a process of the built binary, as
// a user runs it, with its provider registered.
type userDevnet struct {
	dir      string
	tpod     string // the built binary
	helloTar string // examples/hello's image
	netFile  string
	gateway  string       // host:port of the provider's HTTP gateway
	client   *http.Client // as curl --resolve: every request to the gateway, on a new connection
	env      []string
}

// cmd is a tpod command of the user (state dir and network set).
func (u *userDevnet) cmd(args ...string) *exec.Cmd {
	c := exec.Command(u.tpod, args...)
	c.Env = u.env
	return c
}

// startUserDevnet builds tpod and the hello image, starts `tpod devnet up`
// with extra flags and waits until its provider is in the registry. Needs
// root (the devnet's provider).
func startUserDevnet(t *testing.T, flags ...string) *userDevnet {
	if os.Getuid() != 0 {
		t.Skip("the devnet's provider needs root")
	}
	dir := t.TempDir()
	u := &userDevnet{dir: dir, tpod: filepath.Join(dir, "tpod"), helloTar: filepath.Join(dir, "hello.tar"), netFile: filepath.Join(dir, "devnet.json")}
	for _, c := range [][]string{
		{"go", "build", "-o", u.tpod, "../../cmd/tpod"},
		{"go", "run", "../../examples/hello/build", "-o", u.helloTar},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", c, err, out)
		}
	}
	var devnetLog bytes.Buffer
	up := exec.Command(u.tpod, append([]string{"devnet", "up", "--http-port", "0", "--ws-port", "0", "--gateway", "127.0.0.1:0", "--out", u.netFile}, flags...)...)
	up.Stdout, up.Stderr = &devnetLog, &devnetLog
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			log := devnetLog.String()
			t.Logf("devnet log (last 8 KiB):\n%s", log[max(0, len(log)-8<<10):])
		}
		up.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { up.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			up.Process.Kill()
		}
	})
	if out, err := exec.Command(u.tpod, "devnet", "wait", "--timeout", "120s", u.netFile).CombinedOutput(); err != nil {
		t.Fatalf("devnet wait: %v\n%s\n%s", err, out, devnetLog.String())
	}
	t.Logf("devnet: %s", strings.SplitN(devnetLog.String(), "\n", 2)[0])
	var info struct {
		Extra struct {
			Provider struct{ Gateway string } `json:"provider"`
		} `json:"extra"`
	}
	raw, err := os.ReadFile(u.netFile)
	if err != nil || json.Unmarshal(raw, &info) != nil || info.Extra.Provider.Gateway == "" {
		t.Fatalf("devnet file: %v %s", err, raw)
	}
	u.gateway = strings.TrimPrefix(info.Extra.Provider.Gateway, "http://")
	u.client = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, u.gateway)
		},
	}}
	u.env = append(os.Environ(), "TPOD_STATE_DIR="+filepath.Join(dir, "state"), "TPOD_NETWORK="+u.netFile)
	// The provider registers itself after the devnet file is written.
	for deadline := time.Now().Add(time.Minute); ; {
		out, err := u.cmd("providers", "list", "-f", "../../examples/hello/pod.yaml", "-o", "json").Output()
		var ps []any
		if err == nil && json.Unmarshal(out, &ps) == nil && len(ps) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no provider in the registry: %v %s", err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return u
}

// firstOK reads the deploy record from out and polls its first endpoint
// every 5 ms until it answers 200.
func firstOK(t *testing.T, client *http.Client, out []byte, start time.Time) publisher.Record {
	t.Helper()
	var rec publisher.Record
	if err := json.Unmarshal(out, &rec); err != nil || len(rec.Endpoints) == 0 {
		t.Fatalf("deploy: %v %s", err, out)
	}
	for {
		resp, err := client.Get(rec.Endpoints[0].Address)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return rec
			}
			err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
		}
		if time.Since(start) > 60*time.Second {
			t.Fatalf("deploy %s: no 200 from %s: %v", rec.ID, rec.Endpoints[0].Address, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
