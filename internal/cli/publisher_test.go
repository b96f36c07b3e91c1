package cli

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/core/coretest"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/measure/measuretest"
	"github.com/trustedpods/tpod/internal/provider"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/testimage"
	"github.com/trustedpods/tpod/internal/usage"
)

// pubTestSubnet is this package's pod subnet (docs/development.md).
const pubTestSubnet = "172.30.222.0/24"

// pubWorld is a whole network in the test binary: the dev chain, a provider
// (simulated TEE, embedded IPFS, containerd runtime) registered in the
// Registry, and a second registered provider whose peer is offline.
type pubWorld struct {
	net      *devnet.Devnet
	netFile  string
	provider *provider.Provider
	node     *ipfs.Node      // the provider's IPFS node and libp2p host
	reg      *chain.Registry // bound to the provider's wallet below
	provW    *chain.Wallet   // the provider's wallet
	offline  string          // account of the offline provider
	hello    string          // OCI layout tar of examples/hello
	// image is the guest image the provider's simulated TEE claims to
	// have launched; other differs from it in one initrd byte.
	image, other string
}

// pubContainerd returns the private containerd's settings or skips.
func pubContainerd(t testing.TB) containerd.Config {
	t.Helper()
	e := containerdtest.Require(t, "cli")
	return containerd.Config{
		Address: e.Address, Namespace: e.Namespace,
		DataDir: e.DataDir, StateDir: e.StateDir,
		Network:    containerd.NetworkConfig{Name: e.Network, Bridge: "tptcli0", Subnet: pubTestSubnet},
		GPUDevices: []string{},
		Logger:     slog.New(slog.DiscardHandler),
	}
}

func newPubWorld(t testing.TB) *pubWorld { return newPubWorldPeriod(t, 0) }

// newPubWorldPeriod starts the world with a dev chain sealing a block every
// period seconds (0: a block per transaction).
func newPubWorldPeriod(t testing.TB, period uint64) *pubWorld {
	t.Helper()
	cc := pubContainerd(t)
	ctx := context.Background()
	dir := t.TempDir()
	w := &pubWorld{}
	img, err := testimage.GoProgram("../../examples/hello", "/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.hello = img.Archive

	d, err := devnet.Start(ctx, devnet.Config{ExtraAccounts: 7, BlockPeriod: period})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	w.net = d
	info := d.Info()
	w.netFile = filepath.Join(dir, "devnet.json")
	if err := devnet.WriteInfo(w.netFile, info); err != nil {
		t.Fatal(err)
	}

	rt, err := containerd.New(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		infos, _ := rt.List(context.Background())
		for _, in := range infos {
			rt.Delete(context.Background(), in.Spec.ID, 0)
		}
		rt.Close()
		containerd.RemoveNetwork(cc.Network) // bridge and firewall chains (kept while pods remain)
	})
	w.image = measuretest.ImageDir(t, []byte("initrd of the provider's image"), "console=ttyS0 rdinit=/usr/bin/tpod -- guest init")
	w.other = measuretest.ImageDir(t, []byte("initrd of the provider's imagE"), "console=ttyS0 rdinit=/usr/bin/tpod -- guest init")
	launch, err := measure.HashImage(w.image)
	if err != nil {
		t.Fatal(err)
	}
	no := false
	confDoc, err := (&attest.ConfigDocument{Version: attest.ConfigDocumentVersion, TEE: attest.KindSimulated,
		Runtime: attest.RuntimeSettings{Kind: "containerd", Sandbox: "runc", Containerd: "external", PodToHost: &no, PodToPod: &no, Metering: core.MeterCore}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// The signing core, in this process on a real socket.
	enc := coretest.Start(t, core.Config{Dir: filepath.Join(dir, "enclave"), TEE: attest.KindSimulated, SimulatedLaunch: &launch, Configuration: confDoc,
		Metering: core.MeterConfig{Namespace: cc.Namespace, PodsDir: containerd.PodsDir(cc.DataDir)}})
	node, err := ipfs.NewNode(ctx, ipfs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	w.node = node
	t.Cleanup(func() { node.Close() })
	st, err := store.Open(ctx, filepath.Join(dir, "provider.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	provWallet, err := d.Wallet(devnet.LabelProvider)
	if err != nil {
		t.Fatal(err)
	}
	c := d.Client()
	pay := chain.NewPayment(c, info.Contracts.Payment)
	pay.FromBlock = info.Contracts.Block
	reg := chain.NewRegistry(c, info.Contracts.Registry)
	w.reg, w.provW = reg, provWallet
	// 1 unit per millicore·s and MiB·s reserved, 2 per core·ms used, 1 per KiB out.
	prices := [usage.Len]*big.Int{big.NewInt(1), big.NewInt(1), big.NewInt(0), big.NewInt(0), big.NewInt(2), big.NewInt(0), big.NewInt(1)}
	logger := containerdtest.Logger(t, slog.LevelWarn)
	w.provider, err = provider.New(ctx, provider.Config{
		Store: st, Core: enc, Runtime: rt, Bundles: node, Host: node.Host(),
		Chain: c, Payment: pay, Registry: reg, Wallet: provWallet,
		Pricing:   []provider.PricingTable{{Token: info.Contracts.Token, Prices: prices, MinDisputePeriod: 10 * time.Second}},
		Capacity:  provider.Reservation{CPUMilli: 4000, MemoryMiB: 4096, StorageMiB: 10240},
		MinRunway: 4 * time.Second, LowFunds: 20 * time.Second, BillingCycle: 2 * time.Second, StopGrace: time.Second,
		WorkDir: filepath.Join(dir, "work"), Region: "eu-west", Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.provider.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		w.provider.Close()
	})
	// Run registers the provider first; wait for the entry.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ok, _ := reg.IsActive(ctx, provWallet.Address()); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the provider did not register")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The devnet file's extra.provider section (docs/devnet.md), as
	// `tpod devnet up` writes it: publisher commands use it as address hints.
	var hint []any
	for _, a := range node.Addrs() {
		hint = append(hint, a.String()+"/p2p/"+node.ID().String())
	}
	withExtra := *info
	withExtra.Extra = map[string]any{"provider": map[string]any{"address": provWallet.Address().Hex(), "peerId": node.ID().String(), "addrs": hint, "tee": "simulated"}}
	if err := devnet.WriteInfo(w.netFile, &withExtra); err != nil {
		t.Fatal(err)
	}

	// A second provider, registered but offline: its peer is closed.
	ow, err := d.Wallet("dev4")
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		t.Fatal(err)
	}
	oinfo := chain.ProviderInfo{PeerId: h.ID().String(), TeeType: "simulated", Region: "us-east",
		Capacity: chain.Capacity{CpuMillicores: 1000, MemoryMiB: 1024, StorageMiB: 1024}}
	for _, a := range h.Addrs() {
		oinfo.Addrs = append(oinfo.Addrs, a.String())
	}
	h.Close()
	table := chain.PricingTable{Token: info.Contracts.Token, MinDisputePeriod: 10}
	for i := range table.Prices {
		table.Prices[i] = big.NewInt(0)
	}
	if _, err := reg.Register(ctx, ow, oinfo, []chain.PricingTable{table}); err != nil {
		t.Fatal(err)
	}
	w.offline = ow.Address().Hex()
	return w
}

var pubScriptMu sync.Mutex

// pubEnv are the script variables the in-process tpod sees as its
// environment (it reads TPOD_* at flag registration).
var pubEnv = []string{"TPOD_STATE_DIR", "TPOD_NETWORK", "TPOD_CONFIG", "TPOD_CONTEXT"}

// TestPublisherScripts runs the publisher command scripts (deploy_*, pod_*,
// funds_*, providers_*, watch_*) against one in-process network.
func TestPublisherScripts(t *testing.T) {
	w := newPubWorld(t)
	var files []string
	for _, pat := range []string{"deploy_*.txtar", "pod_*.txtar", "funds_*.txtar", "providers_*.txtar", "watch_*.txtar"} {
		m, _ := filepath.Glob(filepath.Join("testdata", "script", pat))
		for _, f := range m {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, abs)
		}
	}
	hello, err := filepath.Abs("../../examples/hello/pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(e *testscript.Env) error {
			e.Setenv("TPOD_NETWORK", w.netFile)
			e.Setenv("TPOD_STATE_DIR", filepath.Join(e.WorkDir, "state"))
			e.Setenv("TPOD_CONFIG", filepath.Join(e.WorkDir, ".config", "tpod", "config.yaml"))
			e.Setenv("RPC", w.net.Info().RPC.HTTP)
			e.Setenv("PROVIDER", w.provider.Address().Hex())
			e.Setenv("PROVIDER_PEER", w.node.ID().String())
			e.Setenv("OFFLINE", w.offline)
			e.Setenv("HELLO_IMAGE", w.hello)
			e.Setenv("HELLO_POD", hello)
			e.Setenv("IMAGE", w.image)
			e.Setenv("OTHER_IMAGE", w.other)
			e.Setenv("TOKEN", w.net.Info().Contracts.Token.Hex())
			// A proxy to the chain's RPC that scripts can take offline.
			px := newRPCProxy(w.net.Info().RPC.HTTP)
			e.Defer(px.Close)
			e.Values["rpcproxy"] = px
			e.Setenv("PROXY", px.URL)
			// A webhook receiver.
			hook := &webhook{}
			hs := httptest.NewServer(hook)
			e.Defer(hs.Close)
			e.Values["webhook"] = hook
			e.Setenv("WEBHOOK", hs.URL)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				pubScriptMu.Lock()
				defer pubScriptMu.Unlock()
				// A release build's embedded policy, when the script names one.
				oldRelease := releasePolicy
				defer func() { releasePolicy = oldRelease }()
				releasePolicy = testReleasePolicy(ts.Getenv("TPOD_TEST_RELEASE"))
				runInScriptEnv(ts, neg, args, pubEnv)
			},
			"jsonvar": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: jsonvar NAME FIELD")
				}
				var m map[string]any
				ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &m))
				v, ok := m[args[1]]
				if !ok {
					ts.Fatalf("no field %q in stdout", args[1])
				}
				ts.Setenv(args[0], strings.TrimSpace(fmt.Sprint(v)))
			},
			// httpget URL SUBSTRING: GET until 200 (10 s), body must contain SUBSTRING.
			"httpget": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: httpget URL SUBSTRING")
				}
				body, err := getUntil200(args[0], 10*time.Second)
				if neg {
					if err == nil {
						ts.Fatalf("GET %s answered 200", args[0])
					}
					return
				}
				ts.Check(err)
				if !strings.Contains(body, args[1]) {
					ts.Fatalf("GET %s: body %q lacks %q", args[0], body, args[1])
				}
			},
			// rpcproxy lose-after-tx N | offline-at TEXT | heal: after
			// forwarding N more transactions the chain "goes offline": the
			// Nth's answer is lost and every later request fails until heal;
			// or it goes offline at the first request containing TEXT
			// (e.g. a call's selector), which is not forwarded.
			"rpcproxy": func(ts *testscript.TestScript, neg bool, args []string) {
				px := ts.Value("rpcproxy").(*rpcProxy)
				switch {
				case len(args) == 2 && args[0] == "lose-after-tx":
					var n int64
					fmt.Sscan(args[1], &n)
					px.loseAfter.Store(n)
				case len(args) == 2 && args[0] == "offline-at":
					px.offlineAt.Store(&args[1])
				case len(args) == 1 && args[0] == "heal":
					px.loseAfter.Store(-1)
					px.offlineAt.Store(nil)
					px.offline.Store(false)
				default:
					ts.Fatalf("usage: rpcproxy lose-after-tx N | offline-at TEXT | heal")
				}
			},
			// webhook received SUBSTRING: a POST whose body contains
			// SUBSTRING arrived; webhook count SUBSTRING N: exactly N
			// occurrences in all bodies; webhook reset forgets them.
			"webhook": func(ts *testscript.TestScript, neg bool, args []string) {
				hook := ts.Value("webhook").(*webhook)
				switch {
				case len(args) == 2 && args[0] == "received":
					if got := hook.count(args[1]) > 0; got == neg {
						ts.Fatalf("webhook received %q: %v", args[1], got)
					}
				case len(args) == 3 && args[0] == "count":
					if got := fmt.Sprint(hook.count(args[1])); (got == args[2]) == neg {
						ts.Fatalf("webhook received %q %s times, want %s", args[1], got, args[2])
					}
				case len(args) == 1 && args[0] == "reset":
					hook.reset()
				default:
					ts.Fatalf("usage: webhook received SUBSTRING | count SUBSTRING N | reset")
				}
			},
			// jsonvar_first / jsonvar_last NAME FIELD: from the first or last
			// element of the JSON array on stdout.
			"jsonvar_first": func(ts *testscript.TestScript, neg bool, args []string) { jsonArrayVar(ts, args, true) },
			"jsonvar_last":  func(ts *testscript.TestScript, neg bool, args []string) { jsonArrayVar(ts, args, false) },
			// jsonvar_endpoint NAME ID: $NAME = the first endpoint of deployment ID.
			"jsonvar_endpoint": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: jsonvar_endpoint NAME ID")
				}
				var rec struct {
					Endpoints []struct{ Address string } `json:"endpoints"`
				}
				ts.Check(json.Unmarshal([]byte(ts.ReadFile(filepath.Join(ts.Getenv("TPOD_STATE_DIR"), args[1]+".json"))), &rec))
				if len(rec.Endpoints) == 0 {
					ts.Fatalf("deployment %s has no endpoint", args[1])
				}
				ts.Setenv(args[0], rec.Endpoints[0].Address)
			},
			// registry-move: the provider moves, as one that restarts on
			// another port does: it listens on a new address, updates its
			// Registry entry and stops listening on the old ones (the
			// devnet file's hints keep naming them). $PROVIDER_ADDR is
			// the new address with its /p2p/ suffix.
			"registry-move": func(ts *testscript.TestScript, neg bool, args []string) {
				pubScriptMu.Lock()
				defer pubScriptMu.Unlock()
				ts.Setenv("PROVIDER_ADDR", w.move(ts))
			},
			// recordset ID FIELD VALUE sets a field of deployment ID's record.
			"recordset": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: recordset ID FIELD VALUE")
				}
				editRecord(ts, args[0], func(m map[string]any) { m[args[1]] = args[2] })
			},
			// setstep ID STEP rewrites a deployment record's step (to replay a
			// run whose last answer was lost).
			"setstep": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: setstep ID STEP")
				}
				editRecord(ts, args[0], func(m map[string]any) { m["step"] = args[1] })
			},
			// tlsgateway NAME: an HTTPS server on 127.0.0.1 with a fresh
			// gateway TLS identity (as the provider's gateway serves);
			// $NAME_URL is its URL, $NAME_ADDR its address, $NAME_BINDING
			// its key binding.
			"tlsgateway": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: tlsgateway NAME")
				}
				id, err := gateway.NewTLSIdentity(gateway.TLSOptions{Domain: "pods.test"})
				ts.Check(err)
				def, err := id.Certificate("")
				ts.Check(err)
				srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
				srv.TLS = &tls.Config{Certificates: []tls.Certificate{*def}, GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) { return id.Certificate(h.ServerName) }}
				srv.Config.ErrorLog = log.New(io.Discard, "", 0)
				srv.StartTLS()
				ts.Defer(srv.Close)
				ts.Setenv(args[0]+"_URL", srv.URL)
				ts.Setenv(args[0]+"_ADDR", srv.Listener.Addr().String())
				ts.Setenv(args[0]+"_BINDING", id.Binding().String())
			},
			// tlsrecord ID BINDING URL: records BINDING as deployment ID's
			// attested gateway key and URL as its first https endpoint.
			"tlsrecord": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: tlsrecord ID BINDING URL")
				}
				editRecord(ts, args[0], func(m map[string]any) {
					m["tlsBinding"] = args[1]
					eps, _ := m["endpoints"].([]any)
					m["endpoints"] = append([]any{map[string]any{"name": "web", "protocol": "https", "address": args[2]}}, eps...)
				})
			},
			// sleep DURATION waits (for background commands to work).
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
			"advance": func(ts *testscript.TestScript, neg bool, args []string) {
				dt, err := time.ParseDuration(args[0])
				ts.Check(err)
				// The provider's claims share the chain: AdjustTime needs an
				// empty transaction pool, so retry while one is pending.
				for range 50 {
					if err = w.net.AdjustTime(dt); err == nil {
						return
					}
					time.Sleep(100 * time.Millisecond)
				}
				ts.Check(err)
			},
		},
	})
}

// move makes the provider listen on a new address only, registered in the
// Registry, and returns it (with /p2p/).
func (w *pubWorld) move(ts *testscript.TestScript) string {
	h := w.node.Host()
	old := h.Network().ListenAddresses()
	closer, ok := h.Network().(interface{ ListenClose(...ma.Multiaddr) })
	if !ok {
		ts.Fatalf("the host's network cannot close listeners")
	}
	closer.ListenClose(old...)
	// Connections made through the old address end with it.
	for _, c := range h.Network().Conns() {
		c.Close()
	}
	ts.Check(h.Network().Listen(ma.StringCast("/ip4/127.0.0.1/tcp/0")))
	var fresh []ma.Multiaddr
	for _, a := range h.Network().ListenAddresses() {
		if !slices.ContainsFunc(old, a.Equal) {
			fresh = append(fresh, a)
		}
	}
	if len(fresh) == 0 {
		ts.Fatalf("no new listen address")
	}
	ctx := context.Background()
	rp, err := w.reg.Provider(ctx, w.provW.Address())
	ts.Check(err)
	info := rp.Info
	info.Addrs = nil
	for _, a := range fresh {
		info.Addrs = append(info.Addrs, a.String())
	}
	_, err = w.reg.Update(ctx, w.provW, info, rp.Pricing)
	ts.Check(err)
	return fresh[0].String() + "/p2p/" + h.ID().String()
}

func jsonArrayVar(ts *testscript.TestScript, args []string, first bool) {
	if len(args) != 2 {
		ts.Fatalf("usage: jsonvar_first|jsonvar_last NAME FIELD")
	}
	var arr []map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &arr))
	if len(arr) == 0 {
		ts.Fatalf("empty array on stdout")
	}
	m := arr[len(arr)-1]
	if first {
		m = arr[0]
	}
	v, ok := m[args[1]]
	if !ok {
		ts.Fatalf("no field %q", args[1])
	}
	ts.Setenv(args[0], fmt.Sprint(v))
}

func getUntil200(u string, d time.Duration) (string, error) {
	c := http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(d)
	var last error
	for time.Now().Before(deadline) {
		resp, err := c.Get(u)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(b), nil
			}
			last = fmt.Errorf("status %d", resp.StatusCode)
		} else {
			last = err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("GET %s: %v", u, last)
}

// rpcProxy forwards JSON-RPC to the chain and can simulate the chain
// going away in the middle of a deploy.
type rpcProxy struct {
	*httptest.Server
	loseAfter atomic.Int64 // transactions still forwarded; -1 means never fail
	offlineAt atomic.Pointer[string]
	offline   atomic.Bool
}

func newRPCProxy(target string) *rpcProxy {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	px := &rpcProxy{}
	px.loseAfter.Store(-1)
	px.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if px.offline.Load() {
			hijackClose(w)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		r.Body.Close()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		r.ContentLength = int64(len(body))
		if at := px.offlineAt.Load(); at != nil && strings.Contains(string(body), *at) {
			px.offline.Store(true)
			hijackClose(w)
			return
		}
		if strings.Contains(string(body), "eth_sendRawTransaction") && px.loseAfter.Load() > 0 {
			if px.loseAfter.Add(-1) == 0 {
				// Forward, then lose the answer and go offline.
				rec := httptest.NewRecorder()
				rp.ServeHTTP(rec, r)
				px.offline.Store(true)
				hijackClose(w)
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	return px
}

func hijackClose(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			return
		}
	}
	w.WriteHeader(http.StatusBadGateway)
}

// webhook records the bodies POSTed to it.
type webhook struct {
	mu     sync.Mutex
	bodies []string
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, "want a JSON POST", http.StatusBadRequest)
		return
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
}

func (h *webhook) count(s string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, b := range h.bodies {
		n += strings.Count(b, s)
	}
	return n
}

func (h *webhook) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.bodies = nil
}

// editRecord rewrites deployment id's state file through edit.
func editRecord(ts *testscript.TestScript, id string, edit func(map[string]any)) {
	path := filepath.Join(ts.Getenv("TPOD_STATE_DIR"), id+".json")
	var m map[string]any
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(path)), &m))
	edit(m)
	b, err := json.Marshal(m)
	ts.Check(err)
	ts.Check(os.WriteFile(path, b, 0o600))
}
