package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/config"
	"github.com/trustedpods/tpod/internal/core"
	"github.com/trustedpods/tpod/internal/fault"
	"github.com/trustedpods/tpod/internal/gateway"
	"github.com/trustedpods/tpod/internal/ipfs"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
	"github.com/trustedpods/tpod/internal/runtime/kube"
	"github.com/trustedpods/tpod/internal/store"
	"github.com/trustedpods/tpod/internal/usage"
)

// FileConfig is the provider's configuration file (docs/provider.md).
type FileConfig struct {
	DataDir string `json:"dataDir"`
	Region  string `json:"region"`
	// TEE is sev-snp, tdx, simulated or auto (detect; never simulated).
	TEE string `json:"tee"`
	// Enclave is the signing core's (docs/provider.md "Signing core").
	Enclave EnclaveConfig   `json:"enclave"`
	Chain   ChainConfig     `json:"chain"`
	IPFS    IPFSConfig      `json:"ipfs"`
	P2P     P2PConfig       `json:"p2p"`
	Runtime RuntimeConfig   `json:"runtime"`
	Pricing []PricingConfig `json:"pricing"`
	// Capacity is what the provider offers in total.
	Capacity     Reservation     `json:"capacity"`
	MinRunway    config.Duration `json:"minRunway"`
	LowFunds     config.Duration `json:"lowFunds"`
	BillingCycle config.Duration `json:"billingCycle"`
	StopGrace    config.Duration `json:"stopGrace"`
	// PricingNotice is how long publishers have to accept new prices.
	PricingNotice config.Duration `json:"pricingNotice"`
	// MaxBundleMiB caps a bundle fetched from IPFS.
	MaxBundleMiB int64 `json:"maxBundleMiB"`
	// DiskReserveMiB is the reserve kept on the data disk for the
	// provider's own state when the disk fills up (default 64; -1: none).
	DiskReserveMiB int64         `json:"diskReserveMiB"`
	Gateway        GatewayConfig `json:"gateway"`
	// Metrics is the listen address of the Prometheus endpoint ("" for none).
	Metrics string `json:"metrics"`
	// ClaimOnStop makes the provider sign and claim every pod's last receipt
	// when it stops (the guest image sets it: under TDX the keys do not
	// survive a reboot, so what is not claimed before is lost).
	ClaimOnStop bool `json:"claimOnStop"`
	// OperatorConfigHash is the hex SHA-256 of the operator's part of the
	// configuration in the guest image (internal/guest, docs/image.md),
	// set by the guest's init; empty elsewhere.
	OperatorConfigHash string `json:"operatorConfigHash"`
	// OperatorConfig is that configuration in its canonical form (JSON
	// text in a string, so that its bytes survive this file being read as
	// YAML; the wallet as its address, no secret), which the attestation
	// evidence carries in the provider's configuration document; its
	// SHA-256 must be OperatorConfigHash.
	OperatorConfig string `json:"operatorConfig,omitempty"`
	// SimulatedLaunch are the simulated TEE's launch inputs (the image's
	// kernel, initrd and command-line SHA-256s), which its measurement is
	// computed from: the host's claim, set by the guest's init from the
	// simulated TEE's seal disk and by the devnet from its --image.
	SimulatedLaunch *measure.KernelHashes `json:"simulatedLaunch,omitempty"`
}

// EnclaveConfig says where the signing core runs.
type EnclaveConfig struct {
	// Socket is the unix socket of a signing core started separately with
	// `tpod enclave --config` and this file; `tpod provider run` connects
	// to it. Empty (the guest image): the provider starts its own core as
	// a child process, on <dataDir>/enclave/core.sock.
	Socket string `json:"socket"`
}

// CoreConfig is the configuration of this provider's signing core: its
// directory (the enclave keys'), its socket, the TEE, the configuration
// document its evidence commits to, and where it reads the pods' counters
// (the containerd namespace and pod directories) or that the provider
// reports them (kubernetes).
func (fc *FileConfig) CoreConfig() (core.Config, error) {
	if fc.DataDir == "" {
		return core.Config{}, fmt.Errorf("dataDir is required: %w", config.ErrInvalid)
	}
	kind := attest.Kind(fc.TEE)
	if fc.TEE == "" || fc.TEE == "auto" {
		if kind = attest.Detect(); kind == attest.KindNone {
			return core.Config{}, fmt.Errorf("%w: no TEE found on this machine (no configfs-tsm, /dev/sev-guest or /dev/tdx_guest); use the simulated TEE explicitly for development", attest.ErrUnavailable)
		}
	}
	if _, err := attest.ParseKind(string(kind)); err != nil {
		return core.Config{}, err
	}
	var opHash []byte
	if fc.OperatorConfigHash != "" {
		var err error
		if opHash, err = hex.DecodeString(fc.OperatorConfigHash); err != nil || len(opHash) != 32 {
			return core.Config{}, fmt.Errorf("operatorConfigHash: not a hex SHA-256: %w", config.ErrInvalid)
		}
	}
	doc, err := configDocument(fc, kind, opHash)
	if err != nil {
		return core.Config{}, err
	}
	cfg := core.Config{Dir: filepath.Join(fc.DataDir, "enclave"), Socket: fc.Enclave.Socket, TEE: kind,
		SimulatedLaunch: fc.SimulatedLaunch, Configuration: doc}
	switch fc.Runtime.Kind {
	case "", "containerd":
		cfg.Metering = core.MeterConfig{Source: core.MeterCore, Namespace: fc.Runtime.Containerd.Namespace,
			PodsDir: containerd.PodsDir(filepath.Join(fc.DataDir, "pods"))}
	default:
		cfg.Metering = core.MeterConfig{Source: core.MeterReported}
	}
	return cfg, nil
}

// ChainConfig says where the contracts are and which wallet the provider
// uses. The private key never comes from this file: it names a key file or a
// keystore (with a passphrase file), or TPOD_PRIVATE_KEY is set.
type ChainConfig struct {
	RPC            string `json:"rpc"`
	Payment        string `json:"payment"`
	Registry       string `json:"registry"`
	Confirmations  uint64 `json:"confirmations"`
	FromBlock      uint64 `json:"fromBlock"`
	KeyFile        string `json:"keyFile"`
	Keystore       string `json:"keystore"`
	PassphraseFile string `json:"passphraseFile"`
}

// IPFSConfig selects the embedded node or an external kubo.
type IPFSConfig struct {
	// Mode is "embedded" (default) or "external".
	Mode   string   `json:"mode"`
	API    string   `json:"api"` // external: kubo RPC address
	Listen []string `json:"listen"`
	// Announce replaces the listen addresses the node announces and
	// registers (e.g. a VM host's forwarded ports).
	Announce  []string `json:"announce"`
	Public    bool     `json:"public"`
	Bootstrap []string `json:"bootstrap"`
}

// P2PConfig is the libp2p host's, used only when IPFS is external (the
// embedded node's host serves the protocols otherwise).
type P2PConfig struct {
	Listen []string `json:"listen"`
}

// RuntimeConfig selects the pod runtime.
type RuntimeConfig struct {
	// Kind is "containerd" (default) or "kubernetes".
	Kind       string           `json:"kind"`
	Containerd ContainerdConfig `json:"containerd"`
	// Kubernetes configures the cluster backend (docs/kubernetes.md).
	Kubernetes kube.Options `json:"kubernetes"`
}

// ContainerdConfig configures the containerd backend.
type ContainerdConfig struct {
	// Address connects to an existing containerd; empty starts a private one
	// under the data directory.
	Address string `json:"address"`
	// Namespace is the containerd namespace of the provider's pods ("tpod").
	Namespace string `json:"namespace"`
	// Subnet and Bridge are the pod network's; pick a subnet nothing else
	// on the host uses.
	Subnet string `json:"subnet"`
	Bridge string `json:"bridge"`
	// Sandbox is "gvisor" (default) or "runc" (docs/provider.md, "Isolating tenants").
	Sandbox string `json:"sandbox"`
}

// PricingConfig is one pricing table; prices are decimal token base units
// per unit of each counter, by name (usage.Names), missing ones are 0.
type PricingConfig struct {
	Token            string            `json:"token"`
	Prices           map[string]string `json:"prices"`
	MinDisputePeriod config.Duration   `json:"minDisputePeriod"`
}

// GatewayConfig configures the HTTP gateway.
type GatewayConfig struct {
	HTTP   string `json:"http"`   // plain HTTP listen address ("" for none)
	HTTPS  string `json:"https"`  // TLS listen address ("" for none)
	Domain string `json:"domain"` // pods get <id>.<domain>
	// TCPBindHost is where exposed TCP ports listen.
	TCPBindHost string `json:"tcpBindHost"`
}

// LoadFileConfig reads a provider configuration file with TPOD_PROVIDER_*
// environment overrides.
func LoadFileConfig(path string) (*FileConfig, error) {
	var fc FileConfig
	if err := config.Load(path, "TPOD_PROVIDER", &fc); err != nil {
		return nil, err
	}
	return &fc, nil
}

func (fc *FileConfig) pricing() ([]PricingTable, error) {
	var out []PricingTable
	for i, pc := range fc.Pricing {
		if !common.IsHexAddress(pc.Token) {
			return nil, fmt.Errorf("pricing[%d].token: %q is not an address: %w", i, pc.Token, config.ErrInvalid)
		}
		t := PricingTable{Token: common.HexToAddress(pc.Token), MinDisputePeriod: time.Duration(pc.MinDisputePeriod)}
		for j := range t.Prices {
			t.Prices[j] = new(big.Int)
		}
		for name, v := range pc.Prices {
			j := -1
			for k, n := range usage.Names {
				if n == name {
					j = k
				}
			}
			if j < 0 {
				return nil, fmt.Errorf("pricing[%d].prices: unknown counter %q (known: %v): %w", i, name, usage.Names, config.ErrInvalid)
			}
			n, ok := new(big.Int).SetString(v, 10)
			if !ok || n.Sign() < 0 || n.BitLen() > 128 {
				return nil, fmt.Errorf("pricing[%d].prices.%s: %q is not a price in base units below 2^128: %w", i, name, v, config.ErrInvalid)
			}
			t.Prices[j] = n
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pricing: at least one table is required: %w", config.ErrInvalid)
	}
	return out, nil
}

// DaemonOptions are what a caller may supply instead of the file's settings
// (the devnet shares its IPFS node and chain client).
type DaemonOptions struct {
	Logger *slog.Logger
	// IPFS, when set, is used instead of creating a node; Host must then be
	// set too (the node's libp2p host).
	IPFS ipfs.Store
	Host host.Host
	// Wallet, when set, replaces the file's wallet settings.
	Wallet *chain.Wallet
	// CoreCommand starts the signing core when the file names no socket:
	// a command that runs `tpod enclave --stdin` (default: this
	// executable).
	CoreCommand func() *exec.Cmd
}

// Daemon is a provider with everything it runs on.
type Daemon struct {
	Provider *Provider
	Node     *ipfs.Node // nil when IPFS is external or shared
	closers  []func() error
	metrics  *http.Server
	// metricsAddr is where metrics and /status listen ("" for nowhere).
	metricsAddr string
	log         *slog.Logger
}

// StartDaemon builds the provider from its configuration: store, enclave,
// chain client, IPFS, libp2p host, runtime and gateway.
func StartDaemon(ctx context.Context, fc *FileConfig, opts DaemonOptions) (_ *Daemon, err error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	d := &Daemon{log: log}
	if f := fault.Describe(); f != "" {
		log.Warn("fault injection is on: this daemon is under test (docs/reliability.md)", "faults", f)
	}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	if fc.DataDir == "" {
		return nil, fmt.Errorf("dataDir is required: %w", config.ErrInvalid)
	}
	var opHash []byte
	if fc.OperatorConfigHash != "" {
		if opHash, err = hex.DecodeString(fc.OperatorConfigHash); err != nil || len(opHash) != 32 {
			return nil, fmt.Errorf("operatorConfigHash: not a hex SHA-256: %w", config.ErrInvalid)
		}
	}
	pricing, err := fc.pricing()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, filepath.Join(fc.DataDir, "provider.db"))
	if err != nil {
		return nil, err
	}
	d.closers = append(d.closers, st.Close)

	cl, err := startCore(ctx, fc, opts, d)
	if err != nil {
		return nil, err
	}

	cc, err := chain.Dial(ctx, fc.Chain.RPC, chain.Config{Confirmations: fc.Chain.Confirmations, Logger: log.With("component", "chain")})
	if err != nil {
		return nil, err
	}
	d.closers = append(d.closers, func() error { cc.Close(); return nil })
	wallet := opts.Wallet
	if wallet == nil {
		wallet, err = chain.LoadWallet(chain.WalletSource{KeyFile: fc.Chain.KeyFile, KeystoreFile: fc.Chain.Keystore, PassphraseFile: fc.Chain.PassphraseFile})
		if err != nil {
			return nil, fmt.Errorf("provider wallet: %w", err)
		}
	}
	if !common.IsHexAddress(fc.Chain.Payment) {
		return nil, fmt.Errorf("chain.payment: %q is not an address: %w", fc.Chain.Payment, config.ErrInvalid)
	}
	pay := chain.NewPayment(cc, common.HexToAddress(fc.Chain.Payment))
	pay.FromBlock = fc.Chain.FromBlock
	var reg *chain.Registry
	if fc.Chain.Registry != "" {
		if !common.IsHexAddress(fc.Chain.Registry) {
			return nil, fmt.Errorf("chain.registry: %q is not an address: %w", fc.Chain.Registry, config.ErrInvalid)
		}
		reg = chain.NewRegistry(cc, common.HexToAddress(fc.Chain.Registry))
	}

	bundles, h := opts.IPFS, opts.Host
	if bundles == nil {
		switch fc.IPFS.Mode {
		case "", "embedded":
			node, err := ipfs.NewNode(ctx, ipfs.Config{RepoPath: filepath.Join(fc.DataDir, "ipfs"), Listen: fc.IPFS.Listen, Announce: fc.IPFS.Announce,
				Public: fc.IPFS.Public, Bootstrap: fc.IPFS.Bootstrap, Logger: log.With("component", "ipfs")})
			if err != nil {
				return nil, fmt.Errorf("ipfs: %w", err)
			}
			d.Node = node
			d.closers = append(d.closers, node.Close)
			bundles, h = node, node.Host()
		case "external":
			remote, err := ipfs.NewRemote(fc.IPFS.API)
			if err != nil {
				return nil, fmt.Errorf("ipfs: %w", err)
			}
			bundles = remote
			listen := fc.P2P.Listen
			if len(listen) == 0 {
				listen = []string{"/ip4/127.0.0.1/tcp/0"}
			}
			lh, err := libp2p.New(libp2p.ListenAddrStrings(listen...), libp2p.DisableRelay(), libp2p.NATPortMap())
			if err != nil {
				return nil, fmt.Errorf("libp2p host: %w", err)
			}
			d.closers = append(d.closers, lh.Close)
			h = lh
		default:
			return nil, fmt.Errorf("ipfs.mode: %q is not embedded or external: %w", fc.IPFS.Mode, config.ErrInvalid)
		}
	}
	if h == nil {
		return nil, errors.New("provider: a shared IPFS store needs its libp2p host")
	}

	rt, err := openRuntime(ctx, fc, log, d)
	if err != nil {
		return nil, err
	}

	var gw *gateway.Config
	if fc.Gateway.HTTP != "" || fc.Gateway.HTTPS != "" {
		gw = &gateway.Config{HTTPAddr: fc.Gateway.HTTP, HTTPSAddr: fc.Gateway.HTTPS, Domain: fc.Gateway.Domain, TCPBindHost: fc.Gateway.TCPBindHost}
		if fc.Gateway.HTTPS != "" {
			// The TLS key is generated here, inside the enclave, and bound
			// to the attestation evidence; it is never written anywhere.
			id, err := gateway.NewTLSIdentity(gateway.TLSOptions{Domain: fc.Gateway.Domain})
			if err != nil {
				return nil, fmt.Errorf("gateway TLS: %w", err)
			}
			gw.TLS = id
		}
	}
	p, err := New(ctx, Config{
		Store: st, Core: cl, Runtime: rt, Bundles: bundles, Host: h, Chain: cc, Payment: pay, Registry: reg,
		Wallet: wallet, Gateway: gw, Pricing: pricing, Capacity: fc.Capacity,
		MinRunway: time.Duration(fc.MinRunway), LowFunds: time.Duration(fc.LowFunds), BillingCycle: time.Duration(fc.BillingCycle),
		StopGrace: time.Duration(fc.StopGrace), PricingNotice: time.Duration(fc.PricingNotice), MaxBundleSize: fc.MaxBundleMiB << 20,
		WorkDir: filepath.Join(fc.DataDir, "work"), DataDir: fc.DataDir, DiskReserve: diskReserve(fc.DiskReserveMiB),
		Region: fc.Region, Logger: log,
		ClaimOnStop: fc.ClaimOnStop, OperatorConfigHash: opHash, Now: fault.Clock(),
	})
	if err != nil {
		return nil, err
	}
	d.Provider = p
	d.closers = append(d.closers, p.Close)
	if fc.Metrics != "" {
		ln, err := net.Listen("tcp", fc.Metrics)
		if err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", p.MetricsHandler())
		mux.Handle("/status", p.StatusHandler())
		d.metricsAddr = ln.Addr().String()
		d.metrics = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
		go d.metrics.Serve(ln)
		d.closers = append(d.closers, d.metrics.Close)
	}
	return d, nil
}

// openRuntime creates the configured runtime backend.
func openRuntime(ctx context.Context, fc *FileConfig, log *slog.Logger, d *Daemon) (runtime.Runtime, error) {
	switch fc.Runtime.Kind {
	case "", "containerd":
		c := fc.Runtime.Containerd
		addr := c.Address
		if addr == "" {
			dmn, err := containerd.StartDaemon(ctx, containerd.DaemonConfig{
				Root:   filepath.Join(fc.DataDir, "containerd"),
				State:  filepath.Join(RunDir(fc.DataDir), "containerd"),
				Logger: log.With("component", "containerd"),
			})
			if err != nil {
				return nil, fmt.Errorf("start containerd: %w", err)
			}
			d.closers = append(d.closers, dmn.Stop)
			addr = dmn.Address()
		}
		rt, err := containerd.New(ctx, containerd.Config{
			Address: addr, Namespace: c.Namespace, DataDir: filepath.Join(fc.DataDir, "pods"),
			StateDir: filepath.Join(RunDir(fc.DataDir), "pods"),
			Network:  containerd.NetworkConfig{Subnet: c.Subnet, Bridge: c.Bridge, Name: c.Bridge}, Sandbox: c.Sandbox,
			Logger: log.With("component", "runtime"),
		})
		if err != nil {
			return nil, fmt.Errorf("containerd runtime: %w", err)
		}
		d.closers = append(d.closers, rt.Close)
		return rt, nil
	case "kubernetes":
		rt, stop, err := kube.Open(ctx, fc.Runtime.Kubernetes, filepath.Join(fc.DataDir, "registry"), log.With("component", "runtime"))
		if err != nil {
			return nil, fmt.Errorf("kubernetes runtime: %w", err)
		}
		d.closers = append(d.closers, stop)
		return rt, nil
	default:
		return nil, fmt.Errorf("runtime.kind: %q is not containerd or kubernetes: %w", fc.Runtime.Kind, config.ErrInvalid)
	}
}

// Run runs the provider until ctx is done.
func (d *Daemon) Run(ctx context.Context) error { return d.Provider.Run(ctx) }

// Close releases everything the daemon opened, in reverse order. Pods keep
// running in the runtime.
func (d *Daemon) Close() error {
	var errs []error
	for i := len(d.closers) - 1; i >= 0; i-- {
		if err := d.closers[i](); err != nil {
			errs = append(errs, err)
		}
	}
	d.closers = nil
	return errors.Join(errs...)
}

// startCore connects to the signing core the file names, or starts one as
// a child process; either way the provider talks to it through a client on
// its socket.
func startCore(ctx context.Context, fc *FileConfig, opts DaemonOptions, d *Daemon) (*core.Client, error) {
	if fc.Enclave.Socket != "" {
		// Started beside the provider (the guest image starts both): it
		// may still be unsealing its keys.
		dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		cl, err := core.Dial(dctx, fc.Enclave.Socket)
		if err != nil {
			return nil, err
		}
		d.closers = append(d.closers, cl.Close)
		return cl, nil
	}
	cfg, err := fc.CoreConfig()
	if err != nil {
		return nil, err
	}
	cmd := opts.CoreCommand
	if cmd == nil {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("signing core: %w", err)
		}
		cmd = func() *exec.Cmd {
			c := exec.Command(exe, "enclave", "--stdin")
			c.Stdout, c.Stderr = os.Stderr, os.Stderr
			return c
		}
	}
	proc, err := core.Spawn(ctx, cmd(), cfg)
	if err != nil {
		return nil, err
	}
	d.closers = append(d.closers, proc.Stop)
	d.log.Info("signing core started", "pid", proc.Pid(), "socket", cfg.SocketPath())
	return proc.Client, nil
}

// configDocument is the provider's configuration as its evidence commits to
// it (attest.ConfigDocument, docs/attestation.md §2): the TEE, how pods run
// (containerd's sandbox as it resolves it) and where the usage in receipts
// comes from, and the operator's part when the guest image supplied it.
func configDocument(fc *FileConfig, tee attest.Kind, opHash []byte) ([]byte, error) {
	d := attest.ConfigDocument{Version: attest.ConfigDocumentVersion, TEE: tee}
	switch fc.Runtime.Kind {
	case "", "containerd":
		no := false
		d.Runtime = attest.RuntimeSettings{Kind: "containerd", Containerd: "private", PodToHost: &no, PodToPod: &no,
			Sandbox: containerd.ResolveSandbox(fc.Runtime.Containerd.Sandbox), Metering: core.MeterCore}
		if fc.Runtime.Containerd.Address != "" {
			d.Runtime.Containerd = "external"
		}
	default:
		d.Runtime = attest.RuntimeSettings{Kind: fc.Runtime.Kind, RuntimeClass: fc.Runtime.Kubernetes.RuntimeClass, Metering: core.MeterReported}
	}
	if op := []byte(fc.OperatorConfig); len(op) > 0 {
		h := sha256.Sum256(op)
		if opHash != nil && !bytes.Equal(h[:], opHash) {
			return nil, fmt.Errorf("operatorConfig: its SHA-256 is %x, not operatorConfigHash %x: %w", h, opHash, config.ErrInvalid)
		}
		d.Operator, d.OperatorSHA256 = op, h[:]
	}
	b, err := d.Marshal()
	if err != nil {
		return nil, fmt.Errorf("configuration document: %w", err)
	}
	return b, nil
}

// RunDir is where a provider with data directory dataDir keeps what does
// not outlive the machine's boot: its private containerd's state and its
// pods' network namespaces (under /run/tpod, named after the data
// directory). A caller that removes a data directory for good removes this
// too.
func RunDir(dataDir string) string { return filepath.Join("/run/tpod", filepath.Base(dataDir)) }

// diskReserve is the data disk reserve in bytes for a diskReserveMiB
// setting: 64 MiB by default, none when negative.
func diskReserve(mib int64) int64 {
	switch {
	case mib < 0:
		return 0
	case mib == 0:
		return 64 << 20
	}
	return mib << 20
}
