package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trustedpods/tpod/internal/benchdoc"
	"github.com/trustedpods/tpod/internal/publisher"
)

// crowdManifest is the pod every concurrent publisher deploys: the hello
// app twice, one port routed by hostname and one forwarded as raw TCP, so
// that each pod has a gateway TCP port of its own. 100m in all: 20 of them
// fill the devnet provider's 2 cores exactly.
const crowdManifest = `apiVersion: tpod.dev/v1
kind: Pod
metadata:
  name: crowd
spec:
  containers:
  - name: web
    image: hello:latest
    args: ["-addr", ":8080"]
    ports:
    - containerPort: 8080
      expose: http
    resources: {cpu: 50m, memory: 32Mi, storage: 16Mi}
  - name: raw
    image: hello:latest
    args: ["-addr", ":8081"]
    ports:
    - containerPort: 8081
      expose: tcp
    resources: {cpu: 50m, memory: 32Mi, storage: 16Mi}
`

// TestConcurrentPublishers: 20 publishers (distinct devnet accounts,
// funded by the devnet's mint) deploy at the same time to one provider, as
// processes on the user's path. Every deploy succeeds; every pod answers
// through the gateway — by hostname and on its own TCP port — as itself
// (no two pods share an address or a port); and the provider's claims
// land for every channel (its transactions do not collide on nonces).
func TestConcurrentPublishers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tpod and runs a devnet with 20 pods")
	}
	r := concurrentPublishers(t, 20)
	t.Logf("20 concurrent deploys → first 200: p50 %v, p99 %v, %.1f provisions a minute", r.p50(), r.p99(), r.perMinute())
}

// TestPublishersBenchReport is TestConcurrentPublishers for figures: it
// rewrites the "## Concurrent publishers" section of docs/benchmarks.md
// (TPOD_BENCH=1 TPOD_BENCH_WRITE=1, scripts/bench.sh).
func TestPublishersBenchReport(t *testing.T) {
	if os.Getenv("TPOD_BENCH") == "" {
		t.Skip("set TPOD_BENCH=1 (scripts/bench.sh)")
	}
	load := benchdoc.LoadAvg()
	r := concurrentPublishers(t, 20)
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s, Go %s, by `TPOD_BENCH=1 go test ./internal/cli -run TestPublishersBenchReport` (scripts/bench.sh; needs root). Load average %s before.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchdoc.Machine(), runtime.Version(), load)
	fmt.Fprintf(&b, "%d publishers — distinct devnet accounts (`tpod devnet up --accounts %d --period 1`: a block a second; each account funded with the devnet's minted test token) — run `tpod deploy` at the same moment, each as its own process with its own state directory, against the devnet's one provider (gVisor, the default sandbox; capacity 2 cores, 4 GiB). The pod is the hello app twice (100m and 64 MiB in all, one port routed by hostname and one forwarded as raw TCP; `internal/cli/publishers_test.go`). Deploy time is from the process start to the first 200 through the gateway.\n\n", r.n, r.n)
	fmt.Fprintf(&b, "| publishers | all succeeded | deploy → first 200, p50 | p99 | max | provisions per minute (%d ÷ first start → last 200) |\n|---|---|---|---|---|---|\n", r.n)
	fmt.Fprintf(&b, "| %d | yes | %s | %s | %s | %.0f |\n\n", r.n, ms(r.p50()), ms(r.p99()), ms(slices.Max(r.took)), r.perMinute())
	fmt.Fprintf(&b, "Checked in the same run (and by `TestConcurrentPublishers` in `make test`): every pod answers as itself (its page names its pod) both by hostname and on its own gateway TCP port — %d distinct TCP ports, so no two pods shared an address or a port; every publisher's channel transaction went through (one account each: no nonce shared); and the provider's claims reached all %d channels within %s of the last deploy (one provider wallet sending claims while the deploys' channels were being opened).\n", r.n, r.n, r.claimsIn.Round(time.Second))
	t.Log("\n" + b.String())
	if os.Getenv("TPOD_BENCH_WRITE") != "" {
		if err := benchdoc.WriteSection("## Concurrent publishers", b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

type crowdResult struct {
	n          int
	took       []time.Duration
	start, end time.Time     // first deploy started, last pod answered
	claimsIn   time.Duration // from the last 200 until every channel was claimed
	steps      map[string][]time.Duration
}

func (r crowdResult) p50() time.Duration { return pct(r.took, 0.5) }
func (r crowdResult) p99() time.Duration { return pct(r.took, 0.99) }
func (r crowdResult) perMinute() float64 {
	return float64(r.n) / r.end.Sub(r.start).Minutes()
}

// concurrentPublishers runs n deploys at once on a devnet of its own and
// checks the pods and claims (see TestConcurrentPublishers).
func concurrentPublishers(t *testing.T, n int) crowdResult {
	u := startUserDevnet(t, "--accounts", fmt.Sprint(n), "--period", "1", "--bridge", "tpcrowd0", "--subnet", "172.30.227.0/24")
	manifest := filepath.Join(u.dir, "crowd.yaml")
	if err := os.WriteFile(manifest, []byte(crowdManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	type deployment struct {
		account string
		env     []string
		rec     publisher.Record
		took    time.Duration
		steps   string // deploy's stderr: its steps and their times
		err     error
	}
	ds := make([]*deployment, n)
	for i := range ds {
		// dev4, dev5, …: the devnet's extra accounts.
		ds[i] = &deployment{account: fmt.Sprintf("dev%d", 4+i)}
		ds[i].env = append(os.Environ(), "TPOD_STATE_DIR="+filepath.Join(u.dir, "state-"+ds[i].account), "TPOD_NETWORK="+u.netFile)
	}
	cmd := func(d *deployment, args ...string) *exec.Cmd {
		c := u.cmd(args...)
		c.Env = d.env
		return c
	}
	res := crowdResult{n: n, start: time.Now()}
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Go(func() {
			var out, errb bytes.Buffer
			c := cmd(d, "deploy", "-f", manifest, "--account", d.account, "--insecure-allow-simulated",
				"--image", "hello:latest="+u.helloTar, "--output", "json")
			c.Stdout, c.Stderr = &out, &errb
			start := time.Now()
			if err := c.Run(); err != nil {
				d.err = fmt.Errorf("%v\n%s", err, errb.String())
				return
			}
			d.steps = errb.String()
			if err := json.Unmarshal(out.Bytes(), &d.rec); err != nil {
				d.err = fmt.Errorf("deploy output: %v %s", err, out.Bytes())
				return
			}
			d.err = pollOK(u.client, endpoint(d.rec, "http"), 2*time.Minute)
			d.took = time.Since(start)
		})
	}
	wg.Wait()
	res.end = time.Now()
	res.steps = map[string][]time.Duration{}
	stepRE := regexp.MustCompile(`✓ (.*) \(([0-9.]+[µm]?s)\)`)
	peerRE := regexp.MustCompile(`12D3Koo\w+`)
	for _, d := range ds {
		if d.err != nil {
			t.Fatalf("publisher %s: %v", d.account, d.err)
		}
		res.took = append(res.took, d.took)
		for _, m := range stepRE.FindAllStringSubmatch(d.steps, -1) {
			if v, err := time.ParseDuration(m[2]); err == nil {
				name := peerRE.ReplaceAllString(m[1], "PEER")
				res.steps[name] = append(res.steps[name], v)
			}
		}
	}
	for name, v := range res.steps {
		t.Logf("step %s: p50 %v, max %v", name, pct(v, 0.5), slices.Max(v))
	}
	defer func() {
		var wg sync.WaitGroup
		for _, d := range ds {
			wg.Go(func() {
				if out, err := cmd(d, "pod", "delete", d.rec.ID, "--account", d.account).CombinedOutput(); err != nil {
					t.Errorf("delete %s: %v\n%s", d.account, err, out)
				}
			})
		}
		wg.Wait()
	}()

	// Every pod answers as itself (the hello page names the pod: the
	// provider's pod ID is tp- and the channel ID's first 16 bytes) by
	// hostname and on its own TCP port.
	ports := map[string]string{}
	direct := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for _, d := range ds {
		self := "tp-" + d.rec.ChannelID.Digits()[:32]
		tcp := endpoint(d.rec, "tcp")
		if other, dup := ports[tcp]; dup {
			t.Fatalf("publishers %s and %s got the same TCP endpoint %s", other, d.account, tcp)
		}
		ports[tcp] = d.account
		for _, via := range []struct {
			c   *http.Client
			url string
		}{{u.client, endpoint(d.rec, "http")}, {direct, "http://" + tcp + "/"}} {
			url := via.url
			body, err := get(via.c, url)
			if err != nil || !strings.Contains(body, self) {
				t.Fatalf("publisher %s: %s answered %v %.200q, want its pod %s", d.account, url, err, body, self)
			}
		}
	}

	// The provider claims every channel (one billing cycle is 5 s).
	for deadline := time.Now().Add(90 * time.Second); ; {
		unpaid := 0
		for _, d := range ds {
			out, err := cmd(d, "pod", "status", d.rec.ID, "--account", d.account, "-o", "json").Output()
			var st struct {
				Funds struct{ Spent string } `json:"funds"`
			}
			if err != nil || json.Unmarshal(out, &st) != nil || st.Funds.Spent == "" || st.Funds.Spent == "0" {
				unpaid++
			}
		}
		if unpaid == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d channels were never claimed", unpaid, n)
		}
		time.Sleep(2 * time.Second)
	}
	res.claimsIn = time.Since(res.end)
	return res
}

// endpoint is the address of the record's first endpoint of a protocol.
func endpoint(rec publisher.Record, protocol string) string {
	for _, e := range rec.Endpoints {
		if e.Protocol == protocol {
			return e.Address
		}
	}
	return ""
}

// pollOK asks url every 20 ms until it answers 200.
func pollOK(c *http.Client, url string, limit time.Duration) error {
	if url == "" {
		return fmt.Errorf("no endpoint")
	}
	deadline := time.Now().Add(limit)
	for {
		_, err := get(c, url)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s never answered 200: %v", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != 200 {
		return string(b), fmt.Errorf("status %d", resp.StatusCode)
	}
	return string(b), nil
}
