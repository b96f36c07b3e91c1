package cli

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/config"
	"github.com/trustedpods/tpod/internal/devnet"
	"github.com/trustedpods/tpod/internal/measure"
	"github.com/trustedpods/tpod/internal/provider"
	"github.com/trustedpods/tpod/internal/runtime/containerd"
)

// devnetProviderOptions are the flags of `tpod devnet up` for its provider.
type devnetProviderOptions struct {
	chainOnly  bool
	containerd string // socket of an existing containerd; "" starts a private one
	subnet     string
	bridge     string // the pod network's bridge device
	sandbox    string // "runc", "gvisor" or "" (the runtime's default)
	gateway    string
	https      string // TLS listen address of the gateway ("" for none)
	domain     string
	dataDir    string // "" = a temporary directory, removed on exit
	cycle      time.Duration
	// image is the guest image directory whose launch the simulated TEE
	// claims (its measurement: attest.SimulatedMeasurement); "" = none.
	image string
	// namespace is the containerd namespace of the provider's pods.
	namespace string
	// metrics is the Prometheus listen address ("" for none); ipfsListen
	// the IPFS node's listen multiaddrs.
	metrics    string
	ipfsListen []string
}

// DevnetProvider is the "provider" section of the devnet file: how
// publisher commands reach the devnet's provider (docs/devnet.md).
type DevnetProvider struct {
	Address string   `json:"address"`
	PeerID  string   `json:"peerId"`
	Addrs   []string `json:"addrs"`
	Gateway string   `json:"gateway"`
	// GatewayHTTPS is the gateway's TLS listener, when it has one; its key
	// is bound to the attestation (tpod pod verify-tls).
	GatewayHTTPS string `json:"gatewayHttps,omitempty"`
	Domain       string `json:"domain"`
	TEE          string `json:"tee"`
	// Image and Measurement are the image the simulated TEE claims to
	// have launched and the measurement it reports (zero without one).
	Image       string `json:"image,omitempty"`
	Measurement string `json:"measurement"`
	// Metrics is the provider's Prometheus endpoint (with --metrics).
	Metrics string `json:"metrics,omitempty"`
}

// startDevnetProvider runs a provider inside the devnet process: an embedded
// IPFS node, the simulated TEE, containerd, the HTTP gateway, paid in the
// devnet's test token. It returns the daemon (already running) and the
// devnet file's provider section.
func startDevnetProvider(ctx context.Context, d *devnet.Devnet, o devnetProviderOptions, log *slog.Logger) (*provider.Daemon, *DevnetProvider, func(), error) {
	info := d.Info()
	cleanup := func() {}
	dir := o.dataDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "tpod-devnet-")
		if err != nil {
			return nil, nil, nil, err
		}
		dir = tmp
		// The provider's run directory goes with its data: each devnet
		// run has its own (they used to pile up under /run/tpod).
		cleanup = func() { os.RemoveAll(tmp); os.RemoveAll(provider.RunDir(tmp)) }
	}
	w, err := d.Wallet(devnet.LabelProvider)
	if err != nil {
		cleanup()
		return nil, nil, nil, err
	}
	var launch *measure.KernelHashes
	if o.image != "" {
		kh, err := measure.HashImage(o.image)
		if err != nil {
			cleanup()
			return nil, nil, nil, fmt.Errorf("--image: %w", err)
		}
		launch = &kh
	}
	bridge := o.bridge
	fc := &provider.FileConfig{
		DataDir: dir,
		Region:  "devnet",
		TEE:     "simulated",
		Chain: provider.ChainConfig{RPC: info.RPC.HTTP, Payment: info.Contracts.Payment.Hex(), Registry: info.Contracts.Registry.Hex(),
			FromBlock: info.Contracts.Block},
		IPFS:    provider.IPFSConfig{Listen: o.ipfsListen},
		Metrics: o.metrics,
		Runtime: provider.RuntimeConfig{Containerd: provider.ContainerdConfig{Address: o.containerd, Namespace: o.namespace,
			Subnet: o.subnet, Bridge: bridge, Sandbox: o.sandbox}},
		// Prices in TPT base units (18 decimals): a 250m / 64 MiB pod costs
		// about 0.0011 TPT an hour reserved.
		Pricing: []provider.PricingConfig{{Token: info.Contracts.Token.Hex(), MinDisputePeriod: config.Duration(4 * o.cycle),
			Prices: map[string]string{"cpu": "1000000000", "memory": "1000000000", "storage": "0", "gpu": "0",
				"cpu-used": "1000000000", "memory-used": "0", "egress": "1000000000"}}},
		Capacity:     provider.Reservation{CPUMilli: 2000, MemoryMiB: 4096, StorageMiB: 20480},
		MinRunway:    config.Duration(time.Minute),
		LowFunds:     config.Duration(5 * time.Minute),
		BillingCycle: config.Duration(o.cycle),
		StopGrace:    config.Duration(5 * time.Second),
		Gateway:      provider.GatewayConfig{HTTP: o.gateway, HTTPS: o.https, Domain: o.domain},
		// What a launcher tells the simulated TEE it launched.
		SimulatedLaunch: launch,
	}
	dmn, err := provider.StartDaemon(ctx, fc, provider.DaemonOptions{Logger: log, Wallet: w})
	if err != nil {
		cleanup()
		return nil, nil, nil, fmt.Errorf("devnet provider: %w", err)
	}
	p := dmn.Provider
	m := attest.SimulatedMeasurement(launch)
	section := &DevnetProvider{Address: p.Address().Hex(), PeerID: p.PeerID(), TEE: "simulated", Domain: o.domain,
		Image: o.image, Measurement: hex.EncodeToString(m[:])}
	if dmn.Node != nil {
		for _, a := range dmn.Node.Addrs() {
			section.Addrs = append(section.Addrs, a.String())
		}
	}
	if g := p.Gateway(); g != nil && g.HTTPAddr() != nil {
		section.Gateway = "http://" + g.HTTPAddr().String()
	}
	if g := p.Gateway(); g != nil && g.HTTPSAddr() != nil {
		section.GatewayHTTPS = "https://" + g.HTTPSAddr().String()
	}
	if a := dmn.MetricsAddr(); a != "" {
		section.Metrics = "http://" + a + "/metrics"
	}
	return dmn, section, func() {
		dmn.Close()
		// The bridge and firewall chains go when no pod is left on them.
		containerd.RemoveNetwork(containerd.NetworkConfig{Name: bridge, Bridge: bridge, Subnet: o.subnet})
		cleanup()
	}, nil
}

// devnetProviderDir is where a devnet with a data dir keeps its provider's
// state (pods, store, enclave keys), so both survive a restart together.
func devnetProviderDir(chainDir string) string {
	if chainDir == "" {
		return ""
	}
	return filepath.Join(chainDir, "provider")
}
