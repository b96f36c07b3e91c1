package containerd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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
	// AllowHostAccess lets pods open connections to the host's own
	// addresses. By default new connections from the pod network to the host
	// are dropped (replies to connections the host opened pass).
	AllowHostAccess bool
	// AllowPodToPod lets pods reach each other across the bridge. By default
	// every pod's bridge port is isolated: pods reach the host and (through
	// NAT) the outside, but not one another.
	AllowPodToPod bool
}

// cniTimeout bounds one CNI ADD or DEL.
const cniTimeout = 30 * time.Second

// DefaultSubnet is a private range the CNI and container tools do not use by
// default (those take 10.88/16, 10.4/16, 172.17/16 and the like).
const DefaultSubnet = "172.29.0.0/16"

type network struct {
	cni     gocni.CNI
	nsDir   string
	ipamDir string
	confDir string
	bridge  string
	isolate bool
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
	if len(nc.Bridge) > 15 {
		return nil, fmt.Errorf("bridge name %q longer than 15 characters: %w", nc.Bridge, runtime.ErrInvalid)
	}
	if _, err := netip.ParsePrefix(nc.Subnet); err != nil {
		return nil, fmt.Errorf("pod subnet %q: %v: %w", nc.Subnet, err, runtime.ErrInvalid)
	}
	if err := checkSubnetFree(nc.Subnet, nc.Bridge); err != nil {
		return nil, err
	}
	if len(nc.PluginDirs) == 0 {
		nc.PluginDirs = []string{"/usr/lib/cni", "/opt/cni/bin"}
	}
	n := &network{
		nsDir:   filepath.Join(cfg.StateDir, "netns"),
		ipamDir: filepath.Join(cfg.DataDir, "cni", "ipam"),
		confDir: filepath.Join(cfg.DataDir, "cni", "net.d"),
		bridge:  nc.Bridge,
		isolate: !nc.AllowPodToPod,
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
				"ipMasq":      false, // one rule for the subnet instead, below
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
	if !nc.NoMasquerade {
		if err := ensureMasquerade(nc.Name, nc.Subnet); err != nil {
			return nil, err
		}
	}
	if !nc.AllowHostAccess {
		if err := ensureHostBlocked(nc.Name, nc.Bridge); err != nil {
			return nil, err
		}
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
		gocni.WithMinNetworkCount(2), gocni.WithLoNetwork, gocni.WithConfListFile(file))
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
	sctx, cancel := context.WithTimeout(ctx, cniTimeout)
	defer cancel()
	res, err := n.cni.Setup(sctx, id, ns.GetPath())
	if err != nil {
		n.cni.Remove(ctx, id, ns.GetPath())
		ns.Remove()
		return "", "", "", fmt.Errorf("cni setup: %w", err)
	}
	for name, iface := range res.Interfaces {
		// The host end of the pod's veth: a port of our bridge in the host
		// namespace (go-cni's merged result does not mark it reliably).
		if iface.Sandbox == "" && name != n.bridge {
			if _, err := os.Stat(filepath.Join("/sys/class/net", name, "brport")); err == nil {
				veth = name
			}
		}
		for _, c := range iface.IPConfigs {
			if c.IP.To4() != nil && !c.IP.IsLoopback() {
				ip = c.IP.String()
			}
		}
	}
	if ip == "" || (n.isolate && veth == "") {
		n.cni.Remove(ctx, id, ns.GetPath())
		ns.Remove()
		return "", "", "", errors.New("cni setup returned no IPv4 address or no host interface")
	}
	if n.isolate {
		// Bridge port isolation: isolated ports do not forward to each other.
		if out, err := exec.CommandContext(ctx, "bridge", "link", "set", "dev", veth, "isolated", "on").CombinedOutput(); err != nil {
			n.cni.Remove(ctx, id, ns.GetPath())
			ns.Remove()
			return "", "", "", fmt.Errorf("isolate %s: %v: %s", veth, err, strings.TrimSpace(string(out)))
		}
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
	rctx, cancel := context.WithTimeout(ctx, cniTimeout)
	defer cancel()
	if err := n.cni.Remove(rctx, id, path); err != nil {
		return fmt.Errorf("cni remove: %w", err)
	}
	if path != "" {
		if err := netns.LoadNetNS(nsPath).Remove(); err != nil {
			return fmt.Errorf("remove netns: %w", err)
		}
	}
	return nil
}

// checkSubnetFree refuses a pod subnet that overlaps an IPv4 route through
// any device but our bridge: two bridges on one subnet make traffic to pods
// vanish (a leftover bridge of another run is the usual cause).
func checkSubnetFree(subnet, bridge string) error {
	want, err := netip.ParsePrefix(subnet)
	if err != nil {
		return err
	}
	b, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return nil // not Linux /proc: nothing to check
	}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 8 || f[0] == bridge {
			continue
		}
		dst, err1 := strconv.ParseUint(f[1], 16, 32)
		mask, err2 := strconv.ParseUint(f[7], 16, 32)
		if err1 != nil || err2 != nil || mask == 0 {
			continue // default route or junk
		}
		// /proc/net/route prints addresses in host (little-endian) order.
		d := [4]byte{byte(dst), byte(dst >> 8), byte(dst >> 16), byte(dst >> 24)}
		bits := 0
		for m := uint32(mask); m != 0; m &= m - 1 {
			bits++
		}
		route := netip.PrefixFrom(netip.AddrFrom4(d), bits)
		if route.Overlaps(want.Masked()) {
			return fmt.Errorf("pod subnet %s overlaps route %s on %s (remove a leftover bridge with `ip link del %s` or choose another subnet): %w",
				subnet, route, f[0], f[0], runtime.ErrInvalid)
		}
	}
	return nil
}

// ensureHostBlocked drops new connections from the pods' bridge to the
// host itself (the provider's own services), keeping replies to connections
// the host opened (the gateway and health checks reach pods).
func ensureHostBlocked(name, bridge string) error {
	rules := [][]string{
		{"-i", bridge, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-m", "comment", "--comment", "tpod " + name, "-j", "ACCEPT"},
		{"-i", bridge, "-m", "comment", "--comment", "tpod " + name, "-j", "DROP"},
	}
	for _, r := range rules {
		if exec.Command("iptables", append([]string{"-C", "INPUT"}, r...)...).Run() == nil {
			continue
		}
		if out, err := exec.Command("iptables", append([]string{"-A", "INPUT"}, r...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("iptables host rule for %s: %v: %s", bridge, err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// ensureMasquerade installs one SNAT rule for the whole pod subnet (traffic
// leaving it), once per network. The bridge plugin's own ipMasq would add
// and remove a chain per pod, costing several iptables runs on every create
// and delete.
func ensureMasquerade(name, subnet string) error {
	rule := []string{"-t", "nat", "POSTROUTING", "-s", subnet, "!", "-d", subnet,
		"-m", "comment", "--comment", "tpod " + name, "-j", "MASQUERADE"}
	with := func(op string) []string { return append([]string{rule[0], rule[1], op}, rule[2:]...) }
	if exec.Command("iptables", with("-C")...).Run() == nil {
		return nil
	}
	if out, err := exec.Command("iptables", with("-A")...).CombinedOutput(); err != nil {
		return fmt.Errorf("iptables masquerade for %s: %v: %s", subnet, err, strings.TrimSpace(string(out)))
	}
	return nil
}
