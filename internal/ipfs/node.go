package ipfs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ipfs/kubo/config"
	"github.com/ipfs/kubo/core"
	"github.com/ipfs/kubo/core/coreapi"
	"github.com/ipfs/kubo/core/coreiface/options"
	"github.com/ipfs/kubo/core/node/libp2p"
	"github.com/ipfs/kubo/plugin/loader"
	"github.com/ipfs/kubo/repo/fsrepo"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Config configures an embedded node.
type Config struct {
	// RepoPath is the kubo repository; created when missing. Empty means a
	// temporary repository removed by Close.
	RepoPath string
	// Listen are the swarm listen addresses; default /ip4/127.0.0.1/tcp/0.
	Listen []string
	// Announce, when set, replaces the addresses the node announces (and
	// Addrs returns): e.g. a VM host's forwarded ports.
	Announce []string
	// Public joins the public IPFS network: default bootstrap peers, the
	// DHT (client mode) and providing. When false (dev networks and tests)
	// the node has no bootstrap peers, no routing, provides nothing, and
	// makes no connection it is not told to make.
	Public bool
	// Bootstrap replaces the bootstrap peers of a public node.
	Bootstrap []string
	// Offline starts the node without networking: add, get of local
	// content and pinning work (for CLI commands that only store).
	Offline bool
	Logger  *slog.Logger
}

// Node is an embedded kubo node.
type Node struct {
	api
	node    *core.IpfsNode
	tmpRepo string
	log     *slog.Logger
}

var _ Store = (*Node)(nil)

var (
	pluginsOnce sync.Once
	pluginsErr  error
)

// disabledPlugins are kubo plugins an embedded node never loads: telemetry
// would phone home; the others are unused.
var disabledPlugins = []string{"telemetry", "peerlog", "fxtest", "nopfs", "badgerds", "ipldgit", "iplddagjose"}

func pluginConfig() config.Plugins {
	p := config.Plugins{Plugins: map[string]config.Plugin{}}
	for _, name := range disabledPlugins {
		p.Plugins[name] = config.Plugin{Disabled: true, Config: map[string]any{"Mode": "off"}}
	}
	return p
}

// loadPlugins injects kubo's datastore plugins once per process. kubo keeps
// plugins in global state, so every embedded node shares them.
func loadPlugins() error {
	pluginsOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tpod-ipfs-plugins")
		if err != nil {
			pluginsErr = err
			return
		}
		defer os.RemoveAll(dir)
		// The loader reads which plugins are disabled from a repo's config file.
		cfg, _ := json.Marshal(map[string]any{"Plugins": pluginConfig()})
		if err := os.WriteFile(filepath.Join(dir, "config"), cfg, 0o600); err != nil {
			pluginsErr = err
			return
		}
		l, err := loader.NewPluginLoader(dir)
		if err != nil {
			pluginsErr = err
			return
		}
		if err := l.Initialize(); err != nil {
			pluginsErr = err
			return
		}
		pluginsErr = l.Inject()
	})
	return pluginsErr
}

// NewNode starts an embedded kubo node.
func NewNode(ctx context.Context, cfg Config) (*Node, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log = log.With("component", "ipfs")
	if err := loadPlugins(); err != nil {
		return nil, fmt.Errorf("ipfs: load plugins: %w", err)
	}
	n := &Node{log: log}
	repoPath := cfg.RepoPath
	if repoPath == "" {
		dir, err := os.MkdirTemp("", "tpod-ipfs")
		if err != nil {
			return nil, err
		}
		repoPath, n.tmpRepo = dir, dir
	}
	if !fsrepo.IsInitialized(repoPath) {
		kc, err := nodeConfig(cfg)
		if err != nil {
			n.cleanup()
			return nil, err
		}
		if err := os.MkdirAll(repoPath, 0o700); err != nil {
			n.cleanup()
			return nil, err
		}
		if err := fsrepo.Init(repoPath, kc); err != nil {
			n.cleanup()
			return nil, fmt.Errorf("ipfs: init repo %s: %w", repoPath, err)
		}
	}
	r, err := fsrepo.Open(repoPath)
	if err != nil {
		n.cleanup()
		return nil, fmt.Errorf("ipfs: open repo %s: %w", repoPath, err)
	}
	// Listen and announce addresses follow the configuration at every
	// start, not only when the repository was made.
	if rc, err := r.Config(); err == nil && cfg.RepoPath != "" {
		rc.Addresses.Swarm = swarmListen(cfg)
		rc.Addresses.Announce = cfg.Announce
		if err := r.SetConfig(rc); err != nil {
			r.Close()
			return nil, fmt.Errorf("ipfs: update repo config: %w", err)
		}
	}
	routing := libp2p.NilRouterOption
	if cfg.Public {
		routing = libp2p.DHTClientOption
	}
	// kubo stops the node when this context ends: it lives until Close.
	node, err := core.NewNode(context.WithoutCancel(ctx), &core.BuildCfg{
		Online:          !cfg.Offline,
		Permanent:       true,
		Routing:         routing,
		Repo:            r,
		ShutdownTimeout: 10 * time.Second,
	})
	if err != nil {
		r.Close()
		n.cleanup()
		return nil, fmt.Errorf("ipfs: start node: %w", err)
	}
	capi, err := coreapi.NewCoreAPI(node)
	if err != nil {
		node.Close()
		n.cleanup()
		return nil, err
	}
	n.node, n.api = node, api{core: capi}
	if node.PeerHost != nil {
		log.Info("ipfs node started", "peer", node.Identity, "addrs", node.PeerHost.Addrs(), "public", cfg.Public)
	}
	return n, nil
}

// nodeConfig is kubo's default configuration with the test profile applied
// (loopback listeners, no bootstrap, no mDNS, no AutoConf/AutoTLS, no NAT
// port mapping), routing none and providing off, unless cfg.Public.
func nodeConfig(cfg Config) (*config.Config, error) {
	id, err := config.CreateIdentity(io.Discard, []options.KeyGenerateOption{options.Key.Type(options.Ed25519Key)})
	if err != nil {
		return nil, err
	}
	kc, err := config.InitWithIdentity(id)
	if err != nil {
		return nil, err
	}
	kc.Plugins = pluginConfig()
	kc.Addresses.API = config.Strings{}
	kc.Addresses.Gateway = config.Strings{}
	if cfg.Public {
		if cfg.Bootstrap != nil {
			kc.Bootstrap = cfg.Bootstrap
		}
		kc.Routing.Type = config.NewOptionalString("dhtclient")
	} else {
		if err := config.Profiles["test"].Transform(kc); err != nil {
			return nil, err
		}
		kc.Addresses.API = config.Strings{}
		kc.Addresses.Gateway = config.Strings{}
		kc.Routing.Type = config.NewOptionalString("none")
		kc.Provide.Enabled = config.False
		kc.Provide.DHT.Interval = config.NewOptionalDuration(0)
		kc.Bootstrap = []string{}
		kc.Peering.Peers = nil
		kc.Swarm.RelayClient.Enabled = config.False
		kc.Swarm.RelayService.Enabled = config.False
		kc.Swarm.Transports.Network.Relay = config.False
		kc.Swarm.DisableNatPortMap = true
		kc.AutoNAT.ServiceMode = config.AutoNATServiceDisabled
		kc.Discovery.MDNS.Enabled = false
	}
	kc.Addresses.Swarm = swarmListen(cfg)
	kc.Addresses.Announce = cfg.Announce
	return kc, nil
}

func swarmListen(cfg Config) []string {
	if len(cfg.Listen) == 0 {
		return []string{"/ip4/127.0.0.1/tcp/0"}
	}
	return cfg.Listen
}

// Host is the node's libp2p host: the /tpod protocols register on it. It is
// nil for an offline node.
func (n *Node) Host() host.Host { return n.node.PeerHost }

// ID is the node's peer ID.
func (n *Node) ID() peer.ID { return n.node.Identity }

// Addrs returns the node's listen addresses with /p2p/<id>, ready for Connect.
func (n *Node) Addrs() []ma.Multiaddr {
	if n.node.PeerHost == nil {
		return nil
	}
	ai := peer.AddrInfo{ID: n.node.Identity, Addrs: n.node.PeerHost.Addrs()}
	out, _ := peer.AddrInfoToP2pAddrs(&ai)
	return out
}

// Close stops the node and removes a temporary repository.
func (n *Node) Close() error {
	err := n.node.Close()
	n.cleanup()
	return err
}

func (n *Node) cleanup() {
	if n.tmpRepo != "" {
		os.RemoveAll(n.tmpRepo)
	}
}
