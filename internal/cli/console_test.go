package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trustedpods/tpod/internal/devnet"
)

// chromium returns Debian's chromium, or skips (fails on CI, where
// scripts/deps.sh installs it).
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a browser (skipped with -short)")
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: run scripts/deps.sh")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startConsole runs `tpod console` in this process on a free loopback
// port and returns its URL.
func startConsole(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, append([]string{"console", "--listen", "127.0.0.1:0"}, args...), pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("tpod console did not stop")
		}
		if t.Failed() {
			t.Logf("tpod console stderr:\n%s", stderr.String())
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("tpod console: %v; stderr: %s", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	u, ok := strings.CutPrefix(strings.TrimSpace(line), "console: ")
	if !ok {
		t.Fatalf("tpod console printed %q", line)
	}
	return u
}

// browser starts a headless chromium with a fresh profile.
func browser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1100),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// visibleText is the rendered text of the first element matching sel ("" if none).
func visibleText(ctx context.Context, sel string) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(function(){const e=document.querySelector(%q);return e?e.innerText:""})()`, sel)))
}

// waitText waits until sel's visible text matches re and returns it.
func waitText(t *testing.T, ctx context.Context, sel, re string, d time.Duration) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(d)
	var last string
	for {
		s, err := visibleText(ctx, sel)
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		if rx.MatchString(s) {
			return s
		}
		last = s
		if time.Now().After(deadline) {
			// What the page says about it: an action's or a deploy's outcome.
			status, _ := visibleText(ctx, "#action-result")
			deploy, _ := visibleText(ctx, "#deploy-outcome")
			t.Fatalf("%s: visible text %q does not match %q after %s (action: %q, deploy: %q)", sel, last, re, d, status, deploy)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func evalBool(t *testing.T, ctx context.Context, js string) bool {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// screenshot saves the page under the test's artifact directory and, when
// TPOD_CONSOLE_DOCS names a directory, there too (docs/console/).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{t.ArtifactDir()}
	if d := os.Getenv("TPOD_CONSOLE_DOCS"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s (%d bytes) in %v", name, len(png), dirs)
}

// TestConsoleBrowser drives tpod console in headless chromium on the
// in-process network: deploy examples/hello from the form, see it run,
// its logs (a line with <script> shows as text), its spend chart get
// points; deposit through the confirm dialog and see the runway change;
// delete it.
func TestConsoleBrowser(t *testing.T) {
	chrome := chromium(t)
	w := newPubWorld(t)
	t.Setenv("TPOD_NETWORK", w.netFile)
	t.Setenv("TPOD_STATE_DIR", filepath.Join(t.TempDir(), "state"))
	hello, err := filepath.Abs("../../examples/hello/pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The provider daemon's status endpoint, for the operator's page.
	mux := http.NewServeMux()
	mux.Handle("/status", w.provider.StatusHandler())
	status := httptest.NewServer(mux)
	t.Cleanup(status.Close)
	base := startConsole(t, "--account", "publisher", "--operator", "--url", status.URL)
	ctx := browser(t, chrome)
	long := 90 * time.Second

	do(t, ctx, chromedp.Navigate(base))
	waitText(t, ctx, "#live", "live", 20*time.Second)
	waitText(t, ctx, "main", "No deployments yet", 20*time.Second)
	screenshot(t, ctx, "deployments-empty.png")

	// The providers, ranked for the manifest.
	do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="#/providers"]`)), chromedp.WaitVisible(chromedp.CSS("#rank-manifest")),
		chromedp.SetValue(chromedp.CSS("#rank-manifest"), hello), chromedp.Click(chromedp.CSS("#rank")))
	waitText(t, ctx, "#providers", `(?s)`+w.provider.Address().Hex()+`.*simulated.*eu-west.*TPT/h`, 20*time.Second)
	// Its attestation, verified from its row; the offline one fails.
	do(t, ctx, chromedp.Click(chromedp.CSS("#providers-insecure")),
		chromedp.Click(chromedp.CSS(`tr[data-provider="`+w.provider.Address().Hex()+`"] button.verify`)))
	waitText(t, ctx, `tr[data-provider="`+w.provider.Address().Hex()+`"] td.attestation`, "^passed simulated, policy development default", 30*time.Second)
	screenshot(t, ctx, "providers.png")

	// Deploy from the form; progress arrives live.
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="#/deploy"]`)), chromedp.WaitVisible(chromedp.CSS("#manifest")),
		chromedp.SetValue(chromedp.CSS("#manifest"), hello),
		chromedp.SetValue(chromedp.CSS("#images"), "hello:latest="+w.hello),
		chromedp.SetValue(chromedp.CSS("#funds-in"), "2000000"),
		chromedp.SetValue(chromedp.CSS("#provider"), w.provider.Address().Hex()),
		chromedp.Click(chromedp.CSS("#insecure")),
		chromedp.Click(chromedp.CSS("#check")))
	// Before any money moves: the ranking and the provider's attestation.
	waitText(t, ctx, "#attestation", "^passed — provider "+w.provider.Address().Hex()+", TEE simulated", 30*time.Second)
	waitText(t, ctx, "#preflight", `(?s)`+w.provider.Address().Hex()+`.*TPT/h`, time.Second)
	screenshot(t, ctx, "deploy-check.png")
	do(t, ctx, chromedp.Click(chromedp.CSS("#deploy-submit")))
	waitText(t, ctx, "#progress", "verifying the provider's attestation", long)
	waitText(t, ctx, "#deploy-outcome", "Deployed: ", long)
	waitText(t, ctx, "#progress", "creating the payment channel", time.Second)
	screenshot(t, ctx, "deploy.png")

	// Its page: running, an endpoint, funds.
	do(t, ctx, chromedp.Click(chromedp.CSS("#deployed-link")))
	waitText(t, ctx, "#state", "^running$", long)
	waitText(t, ctx, "#runway", `\d`, 10*time.Second)
	// This provider serves no HTTPS: the TLS check says so.
	waitText(t, ctx, "#tls", "^not applicable: .*HTTPS", 20*time.Second)
	endpoint, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#endpoints a").href`))
	if err != nil {
		t.Fatal(err)
	}
	// A request whose path is markup: the pod logs it, the page must show it
	// as text and run nothing.
	payload := `<script>window.pwned=1</script>`
	if _, err := getUntil200(endpoint, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(strings.TrimSuffix(endpoint, "/") + "/%3Cscript%3Ewindow.pwned=1%3C/script%3E"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	waitText(t, ctx, "#logs", regexp.QuoteMeta(payload), long)
	if evalBool(t, ctx, `document.querySelectorAll("#logs *").length > 0 || window.pwned !== undefined || document.querySelectorAll("script:not([src])").length > 0`) {
		t.Fatal("a log line became markup")
	}

	// Spend and usage charts from the on-chain claims.
	waitText(t, ctx, "#receipts", `^([2-9]|\d\d+) claimed receipts`, long)
	if !evalBool(t, ctx, `document.querySelectorAll("#charts canvas").length >= 2`) {
		t.Fatal("no charts drawn")
	}
	screenshot(t, ctx, "deployment.png")

	// Deposit through the confirm dialog; the runway grows.
	before := waitText(t, ctx, "#runway", `\d`, time.Second)
	deposited := waitText(t, ctx, "#funds", "Deposited", time.Second)
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#amount"), "4000000"), chromedp.Click(chromedp.CSS("#deposit")))
	waitText(t, ctx, "#confirm-title", "^Deposit", 20*time.Second)
	waitText(t, ctx, "#confirm-amount", `^0\.000000000004 TPT$`, time.Second)
	waitText(t, ctx, "#confirm-fee", `^[0-9.]+ ETH$`, time.Second)
	screenshot(t, ctx, "confirm-deposit.png")
	do(t, ctx, chromedp.Click(chromedp.CSS("#confirm-ok")))
	waitText(t, ctx, "#action-result", "^deposit: done$", long)
	after := waitText(t, ctx, "#funds", "Deposited\\s+0\\.000000000006 TPT", 20*time.Second)
	if after == deposited {
		t.Fatal("the funds did not change")
	}
	runway := waitText(t, ctx, "#runway", `\d`, time.Second)
	if runway == before {
		t.Fatalf("the runway stayed %q after the deposit", runway)
	}
	t.Logf("runway %q → %q", before, runway)

	// The operator's page: the pod, capacity, earnings over time, claims
	// and their gas.
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash.slice(4)`))
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="#/operator"]`)))
	waitText(t, ctx, "#op-pods", id+`\s+\S+\s+running`, 20*time.Second)
	waitText(t, ctx, "#cap-cpu", `^[1-9]\d*m of 4000m used, \d+m free$`, time.Second)
	waitText(t, ctx, "#op-earnings", `TPT\s+0\.0+[1-9]\d* TPT`, time.Second)
	waitText(t, ctx, "#op-claims", `\s[1-9]\d*\s+0\s+[1-9]\d{4,}\s+0\.[0-9]+ ETH`, time.Second)
	if !evalBool(t, ctx, `document.querySelectorAll("#op-charts canvas").length >= 1`) {
		t.Fatal("no earnings chart")
	}
	screenshot(t, ctx, "operator.png")
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`history.back()`))
	waitText(t, ctx, "#state", "^running$", 20*time.Second)

	// Unlock part of it, confirmed.
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#amount"), "1000000"))
	confirmAction(t, ctx, "unlock", "Unlock", long)
	waitText(t, ctx, "#funds", `Unlocking\s+0\.000000000001 TPT`, 20*time.Second)

	// Delete, confirmed: the pod stops, the channel closes.
	confirmAction(t, ctx, "delete", "Delete", long)
	waitText(t, ctx, "#state", "^deleted$", 20*time.Second)
	waitText(t, ctx, "#step", "^deleted$", 20*time.Second)
	waitText(t, ctx, "#funds", `Unlocking\s+everything \(closing\)`, 20*time.Second)
	screenshot(t, ctx, "deleted.png")

	// After the dispute period, withdraw the rest.
	if err := w.net.AdjustTime(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	confirmAction(t, ctx, "withdraw", "Withdraw", long)
	waitText(t, ctx, "#funds", `Balance\s+0 TPT`, 20*time.Second)

	do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="#/"]`)))
	waitText(t, ctx, "#deployments", "deleted", 20*time.Second)
	screenshot(t, ctx, "deployments.png")
}

// confirmAction clicks an action's button, checks its dialog states a fee,
// confirms and waits until the action is done.
func confirmAction(t *testing.T, ctx context.Context, action, title string, d time.Duration) {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS("#"+action)))
	waitText(t, ctx, "#confirm-title", "^"+title, 20*time.Second)
	waitText(t, ctx, "#confirm-fee", `^[0-9.]+ ETH$`, time.Second)
	do(t, ctx, chromedp.Click(chromedp.CSS("#confirm-ok")))
	waitText(t, ctx, "#action-result", "^"+action+": done$", d)
}

// TestConsoleBrowserErrors: without a provider, on a bare devnet, the page
// loads under its CSP, goes live, and shows a failed deploy's error, which
// names the manifest path given, as text.
func TestConsoleBrowserErrors(t *testing.T) {
	chrome := chromium(t)
	d, err := devnet.Start(context.Background(), devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	netFile := filepath.Join(t.TempDir(), "devnet.json")
	if err := devnet.WriteInfo(netFile, d.Info()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TPOD_NETWORK", netFile)
	t.Setenv("TPOD_STATE_DIR", filepath.Join(t.TempDir(), "state"))
	base := startConsole(t, "--account", "publisher")
	ctx := browser(t, chrome)
	do(t, ctx, chromedp.Navigate(base+"#/deploy"))
	waitText(t, ctx, "#live", "^live$", 20*time.Second)
	bad := filepath.Join(t.TempDir(), `<img src=x onerror="window.pwned=1">.yaml`)
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#manifest"), bad), chromedp.Click(chromedp.CSS("#deploy-submit")))
	waitText(t, ctx, "#deploy-outcome", "Deploy failed.*"+regexp.QuoteMeta(`<img src=x onerror="window.pwned=1">`), 30*time.Second)
	if evalBool(t, ctx, `document.querySelectorAll("#deploy-outcome *").length > 0 || window.pwned !== undefined`) {
		t.Fatal("an error message became markup")
	}
	// No providers on a bare devnet; a manifest that cannot be read is named.
	do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="#/providers"]`)))
	waitText(t, ctx, "#providers", "No providers in the registry", 20*time.Second)
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#rank-manifest"), bad), chromedp.Click(chromedp.CSS("#rank")))
	waitText(t, ctx, "#providers", "manifest: .*"+regexp.QuoteMeta(`<img src=x onerror="window.pwned=1">`), 20*time.Second)
	// The deploy form's check says there is nothing to deploy to.
	do(t, ctx, chromedp.Click(chromedp.CSS(`nav a[href="#/deploy"]`)), chromedp.WaitVisible(chromedp.CSS("#manifest")), chromedp.Click(chromedp.CSS("#check")))
	waitText(t, ctx, "#preflight", "No providers in the registry", 20*time.Second)
	if evalBool(t, ctx, `window.pwned !== undefined`) {
		t.Fatal("an error message became markup")
	}
	// An action on a deployment that does not exist says so.
	do(t, ctx, chromedp.Navigate(base+"#/d/deadbeef"))
	waitText(t, ctx, "main", "not found", 20*time.Second)
}

// TestConsoleRefusesRemote: a non-loopback address needs --allow-remote
// and a token.
func TestConsoleRefusesRemote(t *testing.T) {
	t.Setenv("TPOD_CONSOLE_TOKEN", "")
	for _, args := range [][]string{
		{"console", "--listen", "0.0.0.0:0"},
		{"console", "--listen", ":0"},
		{"console", "--listen", "0.0.0.0:0", "--allow-remote"},
	} {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), args, &out, &errb); code != 2 {
			t.Fatalf("tpod %v: exit %d, want 2 (usage); stderr %s", args, code, errb.String())
		}
		if !strings.Contains(errb.String(), "loopback") && !strings.Contains(errb.String(), "TPOD_CONSOLE_TOKEN") {
			t.Fatalf("tpod %v: %s", args, errb.String())
		}
	}
}
