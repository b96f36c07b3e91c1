package containerd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/containerd/containerd/v2/pkg/netns"
	gocni "github.com/containerd/go-cni"

	"github.com/trustedpods/tpod/internal/runtime"
)

// NetworkConfig configures the pods' CNI bridge network.
type NetworkConfig struct {
	// Name of the CNI network ("tpod" if empty).
	Name string
	// Bridge is the host bridge device ("tpod0" if empty).
	Bridge string
	// Subnet the pods' addresses come from (DefaultSubnet if empty). Pick one
	// nothing else on the host uses: a stale bridge on the same subnet breaks
	// routing.
	Subnet string
	// PluginDirs hold the CNI plugin binaries (/usr/lib/cni and /opt/cni/bin
	// if empty).
	PluginDirs []string
	// NoMasquerade turns off SNAT of the pods' outgoing traffic.
	NoMasquerade bool
}

// DefaultSubnet is a private range the CNI and container tools do not use by
// default (those take 10.88/16, 10.4/16, 172.17/16 and the like).
const DefaultSubnet = "172.29.0.0/16"

type network struct {
	cni     gocni.CNI
	nsDir   string
	ipamDir string
	confDir string
	bridge  string
}

// newNetwork writes our CNI config into DataDir/cni/net.d (a conf dir of our
// own) and loads it.
func newNetwork(cfg Config) (*network, error) {
	nc := cfg.Network
	if nc.Name == "" {
		nc.Name = "tpod"
	}
	if nc.Bridge == "" {
		nc.Bridge = "tpod0"
	}
	if nc.Subnet == "" {
		nc.Subnet = DefaultSubnet
	}
	if _, err := netip.ParsePrefix(nc.Subnet); err != nil {
		return nil, fmt.Errorf("pod subnet %q: %v: %w", nc.Subnet, err, runtime.ErrInvalid)
	}
	if len(nc.PluginDirs) == 0 {
		nc.PluginDirs = []string{"/usr/lib/cni", "/opt/cni/bin"}
	}
	n := &network{
		nsDir:   filepath.Join(cfg.StateDir, "netns"),
		ipamDir: filepath.Join(cfg.DataDir, "cni", "ipam"),
		confDir: filepath.Join(cfg.DataDir, "cni", "net.d"),
		bridge:  nc.Bridge,
	}
	for _, d := range []string{n.nsDir, n.ipamDir, n.confDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	conf := map[string]any{
		"cniVersion": "1.0.0",
		"name":       nc.Name,
		"plugins": []any{
			map[string]any{
				"type":        "bridge",
				"bridge":      nc.Bridge,
				"isGateway":   true,
				"ipMasq":      !nc.NoMasquerade,
				"hairpinMode": true,
				"ipam": map[string]any{
					"type":    "host-local",
					"ranges":  [][]map[string]string{{{"subnet": nc.Subnet}}},
					"routes":  []map[string]string{{"dst": "0.0.0.0/0"}},
					"dataDir": n.ipamDir,
				},
			},
		},
	}
	b, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return nil, err
	}
	file := filepath.Join(n.confDir, "10-"+nc.Name+".conflist")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	n.cni, err = gocni.New(gocni.WithPluginDir(nc.PluginDirs), gocni.WithPluginConfDir(n.confDir),
		gocni.WithMinNetworkCount(1), gocni.WithConfListFile(file))
	if err != nil {
		return nil, fmt.Errorf("load cni config: %w", err)
	}
	return n, nil
}

// setup creates a network namespace for the pod and attaches it to the
// bridge. It returns the namespace path, the pod IP and the host-side veth.
func (n *network) setup(ctx context.Context, id string) (nsPath, ip, veth string, err error) {
	ns, err := netns.NewNetNS(n.nsDir)
	if err != nil {
		return "", "", "", fmt.Errorf("create netns: %w", err)
	}
	res, err := n.cni.Setup(ctx, id, ns.GetPath())
	if err != nil {
		n.cni.Remove(ctx, id, ns.GetPath())
		ns.Remove()
		return "", "", "", fmt.Errorf("cni setup: %w", err)
	}
	for name, iface := range res.Interfaces {
		if iface.Sandbox == "" && name != n.bridge {
			veth = name
		}
		for _, c := range iface.IPConfigs {
			if iface.Sandbox != "" && c.IP.To4() != nil {
				ip = c.IP.String()
			}
		}
	}
	if ip == "" {
		n.cni.Remove(ctx, id, ns.GetPath())
		ns.Remove()
		return "", "", "", errors.New("cni setup returned no IPv4 address")
	}
	return ns.GetPath(), ip, veth, nil
}

// teardown runs CNI DEL (releasing the address, veth and NAT rules) and
// removes the namespace.
func (n *network) teardown(ctx context.Context, id, nsPath string) error {
	if nsPath == "" {
		return nil
	}
	path := nsPath
	if _, err := os.Stat(nsPath); err != nil {
		path = "" // CNI DEL still releases IPAM with an empty netns path
	}
	if err := n.cni.Remove(ctx, id, path); err != nil {
		return fmt.Errorf("cni remove: %w", err)
	}
	if path != "" {
		if err := netns.LoadNetNS(nsPath).Remove(); err != nil {
			return fmt.Errorf("remove netns: %w", err)
		}
	}
	return nil
}
