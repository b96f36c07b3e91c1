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
	fw      *firewall
	// resolvConf is the pods' /etc/resolv.conf, read once by New so that
	// it names the name servers the firewall lets pods reach.
	resolvConf []byte
	release    func() // ends hold's claim (see RemoveNetwork)
}

// hold marks the network in use by an open Runtime until release.
func (n *network) hold() { n.release = holdNetwork(n.bridge) }

// withDefaults fills in the defaults and checks names and subnet.
func (nc NetworkConfig) withDefaults() (NetworkConfig, error) {
	if nc.Name == "" {
		nc.Name = "tpod"
	}
	if nc.Bridge == "" {
		nc.Bridge = "tpod0"
	}
	if nc.Subnet == "" {
		nc.Subnet = DefaultSubnet
	}
	if !validName(nc.Name, 64) {
		return nc, fmt.Errorf("network name %q: want letters, digits, '_', '.' and '-', at most 64: %w", nc.Name, runtime.ErrInvalid)
	}
	if !validName(nc.Bridge, 15) {
		return nc, fmt.Errorf("bridge name %q: want letters, digits, '_', '.' and '-', at most 15: %w", nc.Bridge, runtime.ErrInvalid)
	}
	if p, err := netip.ParsePrefix(nc.Subnet); err != nil || !p.Addr().Is4() {
		return nc, fmt.Errorf("pod subnet %q: want an IPv4 prefix: %w", nc.Subnet, runtime.ErrInvalid)
	}
	return nc, nil
}

// validName: a CNI network name (and a safe iptables comment and chain
// suffix).
func validName(s string, max int) bool {
	if s == "" || len(s) > max || s[0] == '-' || s[0] == '.' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// newNetwork writes our CNI config into DataDir/cni/net.d (a conf dir of our
// own) and loads it, and installs the network's firewall.
func newNetwork(cfg Config) (*network, error) {
	nc, err := cfg.Network.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkSubnetFree(nc.Subnet, nc.Bridge); err != nil {
		return nil, err
	}
	if len(nc.PluginDirs) == 0 {
		nc.PluginDirs = []string{"/usr/lib/cni", "/opt/cni/bin"}
	}
	resolv, dns := podResolvConf()
	n := &network{
		nsDir:      filepath.Join(cfg.StateDir, "netns"),
		ipamDir:    filepath.Join(cfg.DataDir, "cni", "ipam"),
		confDir:    filepath.Join(cfg.DataDir, "cni", "net.d"),
		bridge:     nc.Bridge,
		isolate:    !nc.AllowPodToPod,
		fw:         newFirewall(nc, dns),
		resolvConf: resolv,
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
				"ipMasq":      false, // one rule for the subnet instead (firewall.go)
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
	if err := n.fw.ensure(); err != nil {
		return nil, err
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
	// No pod is attached without its firewall in place: a firewalld reload
	// or an `iptables -F` since New is repaired here.
	if err := n.fw.ensure(); err != nil {
		return "", "", "", err
	}
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

// podResolvConf returns the pods' resolv.conf: the host's without name
// servers on loopback (in a pod those would be its own), or, when the host
// has only a loopback stub (systemd-resolved's 127.0.0.53), the upstream
// list systemd-resolved keeps; and the IPv4 name servers in it, which the
// firewall lets pods query on port 53.
func podResolvConf() ([]byte, []netip.Addr) {
	var out []byte
	var dns []netip.Addr
	for _, path := range []string{"/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"} {
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		out, dns = out[:0], dns[:0]
		servers := 0
		for _, line := range strings.SplitAfter(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 2 && f[0] == "nameserver" {
				a, err := netip.ParseAddr(f[1])
				if err != nil || a.IsLoopback() {
					continue
				}
				servers++
				if a.Is4() {
					dns = append(dns, a)
				}
			}
			out = append(out, line...)
		}
		if servers > 0 {
			break
		}
	}
	return out, dns
}
