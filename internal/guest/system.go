package guest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// mounts are the pseudo file systems init mounts, in order.
var mounts = []struct {
	src, target, fstype, data string
	flags                     uintptr
}{
	{"proc", "/proc", "proc", "", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
	{"sysfs", "/sys", "sysfs", "", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
	{"devtmpfs", "/dev", "devtmpfs", "mode=0755", unix.MS_NOSUID},
	{"devpts", "/dev/pts", "devpts", "mode=0620,ptmxmode=0666", unix.MS_NOSUID | unix.MS_NOEXEC},
	{"tmpfs", "/dev/shm", "tmpfs", "mode=1777", unix.MS_NOSUID | unix.MS_NODEV},
	{"tmpfs", "/run", "tmpfs", "mode=0755", unix.MS_NOSUID | unix.MS_NODEV},
	{"tmpfs", "/tmp", "tmpfs", "mode=1777", unix.MS_NOSUID | unix.MS_NODEV},
	{"cgroup2", "/sys/fs/cgroup", "cgroup2", "nsdelegate", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC},
}

// unmountOthers unmounts, newest first, every mount but the root, the
// pseudo file systems of mounts and the data disk.
func unmountOthers() {
	keep := map[string]bool{"/": true, DataMount: true}
	for _, m := range mounts {
		keep[m.target] = true
	}
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		f := strings.Fields(lines[i])
		if len(f) < 5 {
			continue
		}
		// Mount points escape space, tab, newline and backslash in octal.
		mp := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`).Replace(f[4])
		if keep[mp] {
			continue
		}
		if err := unix.Unmount(mp, 0); err != nil {
			unix.Unmount(mp, unix.MNT_DETACH)
		}
	}
}

func mountAll() error {
	for _, m := range mounts {
		if err := os.MkdirAll(m.target, 0o755); err != nil {
			return err
		}
		if err := unix.Mount(m.src, m.target, m.fstype, m.flags, m.data); err != nil && !errors.Is(err, unix.EBUSY) {
			return fmt.Errorf("mount %s on %s: %w", m.fstype, m.target, err)
		}
	}
	return nil
}

// newRoot is where switchRoot binds the initramfs.
const newRoot = "/newroot"

// rootEnv marks the init that runs from the new root.
const rootEnv = "TPOD_INIT_ROOT=1"

// onInitramfs reports whether init still runs from the kernel's initramfs
// (rootfs), which runc cannot pivot_root away from.
func onInitramfs() bool {
	for _, e := range os.Environ() {
		if e == rootEnv {
			return false
		}
	}
	return true
}

// switchRoot makes a bind mount of the initramfs the root and executes init
// again from it. pivot_root (runc) refuses a root that is the rootfs mount
// itself, but accepts a mount that has a parent; a bind mount costs nothing,
// where copying the files to a tmpfs took 5 s under TCG.
func switchRoot() error {
	if err := os.MkdirAll(newRoot, 0o755); err != nil {
		return err
	}
	if err := unix.Mount("/", newRoot, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind the root: %w", err)
	}
	if err := unix.Chdir(newRoot); err != nil {
		return err
	}
	if err := unix.Mount(newRoot, "/", "", unix.MS_MOVE, ""); err != nil {
		return fmt.Errorf("move the new root: %w", err)
	}
	if err := unix.Chroot("."); err != nil {
		return err
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	return unix.Exec("/usr/bin/tpod", os.Args, append(os.Environ(), rootEnv))
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// loadModules loads the image's kernel modules in the order of
// /lib/modules/<release>/load (dependencies first). A module in optional
// may fail to load (the TEE drivers on other hardware).
func loadModules(optional map[string]bool, logf func(string, ...any)) error {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return err
	}
	release := unix.ByteSliceToString(u.Release[:])
	f, err := os.Open(filepath.Join("/lib/modules", release, "load"))
	if err != nil {
		return fmt.Errorf("module list for kernel %s: %w", release, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		p := strings.TrimSpace(sc.Text())
		if p == "" {
			continue
		}
		name := strings.ReplaceAll(strings.SplitN(filepath.Base(p), ".ko", 2)[0], "-", "_")
		if err := finitModule(p); err != nil {
			if optional[name] {
				logf("module %s not loaded (%v): this hardware lacks it", name, err)
				continue
			}
			return fmt.Errorf("load module %s: %w", name, err)
		}
		n++
	}
	logf("loaded %d kernel modules", n)
	return sc.Err()
}

func finitModule(p string) error {
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	flags := 0
	if strings.HasSuffix(p, ".xz") || strings.HasSuffix(p, ".zst") {
		flags = unix.MODULE_INIT_COMPRESSED_FILE
	}
	if err := unix.FinitModule(fd, "", flags); err != nil && !errors.Is(err, unix.EEXIST) {
		return err
	}
	return nil
}

// setupNetwork brings up lo and the configured interface with its address
// and default route.
func setupNetwork(n Network) error {
	if err := linkUp("lo"); err != nil {
		return err
	}
	pfx, err := netip.ParsePrefix(n.Address)
	if err != nil || !pfx.Addr().Is4() {
		return fmt.Errorf("network.address %q: IPv4 CIDR required", n.Address)
	}
	gw, err := netip.ParseAddr(n.Gateway)
	if err != nil || !gw.Is4() {
		return fmt.Errorf("network.gateway %q: IPv4 address required", n.Gateway)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(n.Interface)
	if err != nil {
		return err
	}
	if err := ifr.SetInet4Addr(pfx.Addr().AsSlice()); err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFADDR, ifr); err != nil {
		return fmt.Errorf("address of %s: %w", n.Interface, err)
	}
	mask := net.CIDRMask(pfx.Bits(), 32)
	if err := ifr.SetInet4Addr(mask); err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFNETMASK, ifr); err != nil {
		return fmt.Errorf("netmask of %s: %w", n.Interface, err)
	}
	if err := linkUp(n.Interface); err != nil {
		return err
	}
	if err := addDefaultRoute(n.Interface, gw); err != nil {
		return fmt.Errorf("default route via %s: %w", gw, err)
	}
	if len(n.Nameservers) > 0 {
		var b strings.Builder
		for _, ns := range n.Nameservers {
			fmt.Fprintf(&b, "nameserver %s\n", ns)
		}
		return os.WriteFile("/etc/resolv.conf", []byte(b.String()), 0o644)
	}
	return nil
}

func linkUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("interface %s: %w", name, err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bring %s up: %w", name, err)
	}
	return nil
}

// addDefaultRoute sends one RTM_NEWROUTE over rtnetlink.
func addDefaultRoute(dev string, gw netip.Addr) error {
	ifc, err := net.InterfaceByName(dev)
	if err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	attr := func(typ uint16, val []byte) []byte {
		b := binary.NativeEndian.AppendUint16(nil, uint16(4+len(val)))
		b = binary.NativeEndian.AppendUint16(b, typ)
		return append(b, val...)
	}
	body := []byte{unix.AF_INET, 0, 0, 0, unix.RT_TABLE_MAIN, unix.RTPROT_BOOT, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST, 0, 0, 0, 0}
	body = append(body, attr(unix.RTA_GATEWAY, gw.AsSlice())...)
	body = append(body, attr(unix.RTA_OIF, binary.NativeEndian.AppendUint32(nil, uint32(ifc.Index)))...)
	msg := binary.NativeEndian.AppendUint32(nil, uint32(unix.NLMSG_HDRLEN+len(body)))
	msg = binary.NativeEndian.AppendUint16(msg, unix.RTM_NEWROUTE)
	msg = binary.NativeEndian.AppendUint16(msg, unix.NLM_F_REQUEST|unix.NLM_F_ACK|unix.NLM_F_CREATE|unix.NLM_F_EXCL)
	msg = binary.NativeEndian.AppendUint32(msg, 1) // seq
	msg = binary.NativeEndian.AppendUint32(msg, 0) // pid
	msg = append(msg, body...)
	if err := unix.Sendto(fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := unix.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Header.Type == unix.NLMSG_ERROR && len(m.Data) >= 4 {
			if e := int32(binary.NativeEndian.Uint32(m.Data)); e != 0 {
				return syscall.Errno(-e)
			}
		}
	}
	return nil
}
