package containerd

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"

	"github.com/trustedpods/tpod/internal/runtime"
)

// The pod network's packet filter (docs/runtime.md, "Network isolation").
// Two chains per network and IP family: TPOD-IN-<bridge> filters what pods
// send to the host itself (jumped to from INPUT for the bridge), and
// TPOD-FWD-<bridge> what the host routes from or to pods (jumped to from
// FORWARD). Both jumps stay in front of every rule of the host's own, so a
// host ACCEPT cannot open the host or the private ranges to pods. Chains
// and jumps are written in one iptables-restore transaction: there is no
// moment where a chain is half filled.
const (
	chainIn  = "TPOD-IN-"
	chainFwd = "TPOD-FWD-"
	rejectV4 = "-j REJECT --reject-with icmp-admin-prohibited"
)

// blockedIPv4 are the destinations pods never reach (unless one is a name
// server of theirs, port 53 only): the IANA special-purpose ranges that are
// not globally reachable — this network, RFC 1918, CGNAT (RFC 6598),
// loopback, link-local (with the cloud metadata address 169.254.169.254),
// IETF protocol assignments, benchmarking, multicast and reserved/broadcast.
// The documentation prefixes (TEST-NETs) are left reachable: nothing on a
// host uses them, and the tests use one as "the internet". All IPv6 from
// pods is dropped (pods have IPv4 only).
var blockedIPv4 = []string{
	"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
	"172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15",
	"224.0.0.0/4", "240.0.0.0/4",
}

// firewall is one pod network's packet filter.
type firewall struct {
	name, bridge, subnet string
	hostAccess, podToPod bool
	masquerade           bool
	dns                  []netip.Addr // IPv4 name servers pods may query on port 53
	ipv6                 bool         // the kernel has IPv6: filter it too
}

func newFirewall(nc NetworkConfig, dns []netip.Addr) *firewall {
	_, err := os.Stat("/proc/sys/net/ipv6")
	return &firewall{
		name: nc.Name, bridge: nc.Bridge, subnet: netip.MustParsePrefix(nc.Subnet).Masked().String(),
		hostAccess: nc.AllowHostAccess, podToPod: nc.AllowPodToPod, masquerade: !nc.NoMasquerade,
		dns: dns, ipv6: err == nil,
	}
}

func (f *firewall) comment() string { return `-m comment --comment "tpod ` + f.name + `"` }

// chains returns the rules of our INPUT and FORWARD chains of one family,
// written as iptables-save prints them (-d before -i, implicit matches
// named), so that ensure can compare them with what is installed.
func (f *firewall) chains(v6 bool) (in, fwd []string) {
	const est = "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
	br := f.bridge
	in = append(in, est)
	fwd = append(fwd, "-o "+br+" "+est, "-i "+br+" "+est)
	if f.podToPod {
		fwd = append(fwd, "-i "+br+" -o "+br+" -j ACCEPT")
	} else if v6 {
		fwd = append(fwd, "-i "+br+" -o "+br+" -j DROP")
	} else {
		fwd = append(fwd, "-i "+br+" -o "+br+" "+rejectV4)
	}
	// Nobody but the host opens connections into pods (the gateway and the
	// provider reach them from the host itself, through OUTPUT).
	fwd = append(fwd, "-o "+br+" -j DROP")
	if v6 {
		if !f.hostAccess {
			in = append(in, "-j DROP")
		}
		return in, append(fwd, "-i "+br+" -j DROP")
	}
	for _, ns := range f.dns {
		for _, p := range []string{"udp", "tcp"} {
			in = append(in, fmt.Sprintf("-d %s/32 -p %s -m %s --dport 53 -j ACCEPT", ns, p, p))
			fwd = append(fwd, fmt.Sprintf("-d %s/32 -i %s -p %s -m %s --dport 53 -j ACCEPT", ns, br, p, p))
		}
	}
	if !f.hostAccess {
		in = append(in, rejectV4)
	}
	for _, r := range blockedIPv4 {
		fwd = append(fwd, "-d "+r+" -i "+br+" "+rejectV4)
	}
	return in, append(fwd, "-i "+br+" -j ACCEPT")
}

// hooks are the jumps from the built-in chains to ours.
func (f *firewall) hooks() []hook {
	return []hook{
		{"INPUT", chainIn + f.bridge, "-i " + f.bridge + " " + f.comment() + " -j " + chainIn + f.bridge},
		{"FORWARD", chainFwd + f.bridge, f.comment() + " -j " + chainFwd + f.bridge},
	}
}

type hook struct{ builtin, chain, jump string }

func (f *firewall) masqueradeRule() string {
	return "-A POSTROUTING -s " + f.subnet + " ! -d " + f.subnet + " " + f.comment() + " -j MASQUERADE"
}

// fwMu serializes this process's firewall transactions (each one reads the
// rules, then writes a batch computed from them).
var fwMu sync.Mutex

// ensure makes the rules of both families what they should be: our chains
// with exactly their rules, each jump in front of the host's own rules, the
// masquerade rule, and no rule of ours elsewhere (an older version's
// appended rules are removed). It writes nothing when all is in place.
func (f *firewall) ensure() error { return f.apply("", f.batch) }

// remove deletes our chains, jumps and masquerade rule.
func (f *firewall) remove() error { return f.apply("remove ", f.removal) }

// apply runs compute's batch for IPv4, then IPv6 (where the kernel has it).
func (f *firewall) apply(what string, compute func(v6 bool, s saved) string) error {
	fwMu.Lock()
	defer fwMu.Unlock()
	for _, v6 := range []bool{false, true} {
		if v6 && !f.ipv6 {
			continue
		}
		if err := applyBatch(v6, compute); err != nil {
			return fmt.Errorf("%spod network %s firewall: %w", what, f.name, err)
		}
	}
	return nil
}

// applyBatch reads the family's rules, computes a batch from them and
// applies it with iptables-restore --noflush (one transaction). A batch
// that fails because another process changed the rules in between is
// computed again.
func applyBatch(v6 bool, compute func(v6 bool, s saved) string) error {
	save, restore := "iptables-save", "iptables-restore"
	if v6 {
		save, restore = "ip6tables-save", "ip6tables-restore"
	}
	var err error
	for range 3 {
		var out []byte
		if out, err = exec.Command(save).Output(); err != nil {
			return fmt.Errorf("%s: %v (iptables installed? apt install iptables)", save, err)
		}
		batch := compute(v6, parseSave(out))
		if batch == "" {
			return nil
		}
		cmd := exec.Command(restore, "-w", "--noflush")
		cmd.Stdin = strings.NewReader(batch)
		if out, err = cmd.CombinedOutput(); err == nil {
			return nil
		}
		err = fmt.Errorf("%s: %v: %s\n%s", restore, err, bytes.TrimSpace(out), batch)
	}
	return err
}

// batch is ensure's transaction for one family ("" when nothing is to do).
func (f *firewall) batch(v6 bool, s saved) string {
	var b strings.Builder
	in, fwd := f.chains(v6)
	for _, c := range []struct {
		name  string
		rules []string
	}{{chainIn + f.bridge, in}, {chainFwd + f.bridge, fwd}} {
		if !s.chains["filter"][c.name] || !slices.Equal(s.rulesOf("filter", c.name), c.rules) {
			// Declaring an existing chain in a --noflush batch flushes it.
			fmt.Fprintf(&b, ":%s - [0:0]\n", c.name)
			for _, r := range c.rules {
				fmt.Fprintf(&b, "-A %s %s\n", c.name, r)
			}
		}
	}
	for _, h := range f.hooks() {
		kept, leading := false, true
		for _, l := range s.rules["filter"] {
			if !strings.HasPrefix(l, "-A "+h.builtin+" ") {
				continue
			}
			target := jumpTarget(l)
			if target == h.chain && leading && !kept && l == "-A "+h.builtin+" "+h.jump {
				kept = true
				continue
			}
			if target == h.chain || strings.Contains(l, f.comment()) {
				b.WriteString("-D" + l[2:] + "\n") // ours, in the wrong place or from an older version
				continue
			}
			if !strings.HasPrefix(target, "TPOD-") {
				leading = false // a rule of the host's own
			}
		}
		if !kept {
			fmt.Fprintf(&b, "-I %s 1 %s\n", h.builtin, h.jump)
		}
	}
	var out string
	if b.Len() > 0 {
		out = "*filter\n" + b.String() + "COMMIT\n"
	}
	if v6 {
		return out
	}
	b.Reset()
	want, found := f.masqueradeRule(), false
	for _, l := range s.rules["nat"] {
		if l == want && f.masquerade && !found {
			found = true
		} else if strings.HasPrefix(l, "-A POSTROUTING ") && strings.Contains(l, f.comment()) {
			b.WriteString("-D" + l[2:] + "\n")
		}
	}
	if f.masquerade && !found {
		b.WriteString(want + "\n")
	}
	if b.Len() > 0 {
		out += "*nat\n" + b.String() + "COMMIT\n"
	}
	return out
}

// removal is remove's transaction for one family.
func (f *firewall) removal(v6 bool, s saved) string {
	var b strings.Builder
	for _, h := range f.hooks() {
		for _, l := range s.rules["filter"] {
			if strings.HasPrefix(l, "-A "+h.builtin+" ") && (jumpTarget(l) == h.chain || strings.Contains(l, f.comment())) {
				b.WriteString("-D" + l[2:] + "\n")
			}
		}
	}
	for _, c := range []string{chainIn + f.bridge, chainFwd + f.bridge} {
		if s.chains["filter"][c] {
			fmt.Fprintf(&b, "-F %s\n-X %s\n", c, c)
		}
	}
	var out string
	if b.Len() > 0 {
		out = "*filter\n" + b.String() + "COMMIT\n"
	}
	b.Reset()
	for _, l := range s.rules["nat"] {
		if strings.HasPrefix(l, "-A POSTROUTING ") && strings.Contains(l, f.comment()) {
			b.WriteString("-D" + l[2:] + "\n")
		}
	}
	if b.Len() > 0 && !v6 {
		out += "*nat\n" + b.String() + "COMMIT\n"
	}
	return out
}

// saved is iptables-save output: per table, its chains and its rules ("-A
// CHAIN ...") in order.
type saved struct {
	chains map[string]map[string]bool
	rules  map[string][]string
}

func parseSave(out []byte) saved {
	s := saved{chains: map[string]map[string]bool{}, rules: map[string][]string{}}
	table := ""
	for _, l := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(l, "*"):
			table = l[1:]
			s.chains[table] = map[string]bool{}
		case strings.HasPrefix(l, ":") && table != "":
			if name, _, ok := strings.Cut(l[1:], " "); ok {
				s.chains[table][name] = true
			}
		case strings.HasPrefix(l, "-A ") && table != "":
			s.rules[table] = append(s.rules[table], l)
		}
	}
	return s
}

// rulesOf returns a chain's rules without their "-A CHAIN " prefix.
func (s saved) rulesOf(table, chain string) []string {
	var out []string
	for _, l := range s.rules[table] {
		if r, ok := strings.CutPrefix(l, "-A "+chain+" "); ok {
			out = append(out, r)
		}
	}
	return out
}

// jumpTarget returns the target of a saved rule ("-j X").
func jumpTarget(rule string) string {
	f := strings.Fields(rule)
	for i := len(f) - 2; i >= 0; i-- {
		if f[i] == "-j" || f[i] == "-g" {
			return f[i+1]
		}
	}
	return ""
}

// openNetworks counts this process's open Runtimes per bridge, so that
// RemoveNetwork never pulls a network from under one of them.
var openNetworks = struct {
	sync.Mutex
	n map[string]int
}{n: map[string]int{}}

func holdNetwork(bridge string) func() {
	openNetworks.Lock()
	openNetworks.n[bridge]++
	openNetworks.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			openNetworks.Lock()
			openNetworks.n[bridge]--
			openNetworks.Unlock()
		})
	}
}

// RemoveNetwork removes what a pod network leaves on the host once no pod
// uses it: its packet filter chains, jumps and masquerade rule (IPv4 and
// IPv6) and its bridge. The network's pods must be deleted first (a stopped
// pod keeps its veth on the bridge) and every Runtime of this process on it
// closed: otherwise it fails with ErrFailedPrecondition and removes nothing.
// A later New sets the network up again.
func RemoveNetwork(nc NetworkConfig) error {
	nc, err := nc.withDefaults()
	if err != nil {
		return err
	}
	openNetworks.Lock()
	open := openNetworks.n[nc.Bridge]
	openNetworks.Unlock()
	if open > 0 {
		return fmt.Errorf("pod network %s: %d runtime(s) of this process still use it: %w", nc.Name, open, runtime.ErrFailedPrecondition)
	}
	if ports, _ := os.ReadDir("/sys/class/net/" + nc.Bridge + "/brif"); len(ports) > 0 {
		return fmt.Errorf("pod network %s: %d pod interface(s) still on bridge %s: %w", nc.Name, len(ports), nc.Bridge, runtime.ErrFailedPrecondition)
	}
	if err := newFirewall(nc, nil).remove(); err != nil {
		return err
	}
	if _, err := os.Stat("/sys/class/net/" + nc.Bridge); err == nil {
		if out, err := exec.Command("ip", "link", "del", nc.Bridge).CombinedOutput(); err != nil {
			return fmt.Errorf("remove bridge %s: %v: %s", nc.Bridge, err, bytes.TrimSpace(out))
		}
	}
	return nil
}
