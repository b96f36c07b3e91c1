package containerd

import (
	"context"
	"os/exec"
)

// forgetNeighbor drops the host's ARP entry for a new pod's address on the
// bridge. Addresses are reused (host-local IPAM hands out a freed address
// again, a devnet restarted with a fresh data dir starts over), and a new
// pod's veth has a new MAC: the host would keep sending to the old one
// from its stale entry until neighbor discovery gave up on it, and the
// pod's first connections waited for SYN retransmits — about 11 s measured
// on a wake (docs/runtime.md § Network).
func forgetNeighbor(ctx context.Context, bridge, ip string) {
	// "No such file or directory" when there is no entry: nothing to do.
	exec.CommandContext(ctx, "ip", "neigh", "del", ip, "dev", bridge).Run()
}
