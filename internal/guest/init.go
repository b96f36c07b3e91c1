package guest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/enclave"
	"github.com/trustedpods/tpod/internal/measure"

	sevclient "github.com/google/go-sev-guest/client"
)

// Paths inside the guest.
const (
	ImageConfigPath = "/etc/tpod/image.json"
	runDir          = "/run/tpod"
	dataMapper      = "tpod-data"
)

// optionalModules may fail to load: the TEE drivers of other hardware, and
// AES-NI on a CPU without it (the generic AES then serves).
var optionalModules = map[string]bool{"tsm": true, "sev_guest": true, "tdx_guest": true, "aesni_intel": true}

// console is where init writes: the kernel's console (the VM's serial
// port, which the host reads: nothing secret is ever written there).
var console io.Writer = os.Stdout

// logf writes a line with the time since boot.
func logf(format string, args ...any) {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts)
	fmt.Fprintf(console, "tpod-init: [%6.2f] "+format+"\n", append([]any{float64(ts.Nano()) / 1e9}, args...)...)
}

// service is a process init starts and supervises. One line in services()
// adds another (the signing core, later).
type service struct {
	name string
	args []string // after /usr/bin/tpod
}

func services() []service {
	return []service{
		{name: "provider", args: []string{"provider", "run", "--config", filepath.Join(runDir, "provider.json")}},
	}
}

// Init is PID 1 of the guest image. It never returns normally: it powers
// the VM off after a shutdown request (SIGINT from ctrl-alt-del, SIGTERM),
// and on a fatal error, after saying why on the console.
func Init(ctx context.Context) error {
	if os.Getpid() != 1 {
		return errors.New("guest init must run as PID 1 of the guest image")
	}
	os.Setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
	if onInitramfs() {
		logf("init started; binding the root")
		if err := switchRoot(); err != nil {
			fatal(err)
		}
	}
	start := time.Now()
	if err := mountAll(); err != nil {
		fatal(err)
	}
	logf("file systems mounted")
	// ctrl-alt-del (the host's graceful "power button") becomes SIGINT.
	unix.Reboot(unix.LINUX_REBOOT_CMD_CAD_OFF)
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)

	b := &boot{start: start}
	if err := b.up(ctx); err != nil {
		b.down()
		fatal(err)
	}
	logf("provider started %.1f s after init", time.Since(start).Seconds())
	b.supervise(sigs)
	b.down()
	logf("powering off")
	unix.Sync()
	unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	return nil
}

// fatal says what failed, and powers the VM off: the guest never runs
// half-configured.
func fatal(err error) {
	logf("FATAL: %v", err)
	logf("the provider does not start; powering off")
	unix.Sync()
	unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
	select {}
}

type boot struct {
	start   time.Time
	disk    *dataDisk
	mounted bool
	mu      sync.Mutex
	procs   map[int]*proc
	logFile *os.File
}

type proc struct {
	svc     service
	cmd     *exec.Cmd
	started time.Time
}

func (b *boot) up(ctx context.Context) error {
	if err := loadModules(optionalModules, logf); err != nil {
		return err
	}
	raw, err := os.ReadFile(ImageConfigPath)
	if err != nil {
		return err
	}
	img, err := ParseImageConfig(raw)
	if err != nil {
		return err
	}

	// The operator's part.
	cdev, err := findDisk(SerialConfig, 5*time.Second)
	if err != nil {
		return fmt.Errorf("configuration disk: %w", err)
	}
	logf("configuration disk %s", cdev)
	f, err := os.Open(cdev)
	if err != nil {
		return err
	}
	op, walletKey, err := ReadConfigDisk(f)
	f.Close()
	if err != nil {
		return err
	}
	h := op.Hash()
	logf("operator configuration sha256 %x (payout %s, region %q)", h, op.WalletAddress, op.Region)
	if err := setupNetwork(op.Network); err != nil {
		return fmt.Errorf("network: %w", err)
	}

	// Which TEE, and how the data disk's key is sealed.
	kind := attest.Detect()
	var sealer enclave.Sealer
	var launch *measure.KernelHashes
	switch kind {
	case attest.KindSEVSNP:
		dev, err := sevclient.OpenDevice()
		if err != nil {
			return fmt.Errorf("sev-snp: %w", err)
		}
		sealer = enclave.NewSNPSealerFor(dev, enclave.PurposeDataDisk)
	case attest.KindTDX:
		// No sealing key: the disk is new at every boot.
	case attest.KindNone:
		if !img.AllowSimulatedTEE {
			return errors.New("no TEE found and this image does not allow the simulated one")
		}
		kind = attest.KindSimulated
		logf("NO TEE HARDWARE: using the SIMULATED TEE. INSECURE: the host can read the sealing key and everything else")
		sdev, err := findDisk(SerialSeal, 2*time.Second)
		if err != nil {
			return fmt.Errorf("simulated TEE: sealing-key disk: %w", err)
		}
		key, err := simSealKey(sdev)
		if err != nil {
			return fmt.Errorf("simulated TEE: %w", err)
		}
		sealer = enclave.NewInsecureKeySealer(key, enclave.PurposeDataDisk)
		if launch, err = simLaunch(sdev); err != nil {
			return fmt.Errorf("simulated TEE: %w", err)
		}
		if launch == nil {
			logf("simulated TEE: the host recorded no launch inputs: the measurement is zero")
		} else {
			logf("simulated TEE: launch inputs from the host: kernel %s, initrd %s, cmdline %s", launch.Kernel, launch.Initrd, launch.Cmdline)
		}
	}
	logf("TEE %s", kind)

	ddev, err := findDisk(SerialData, 5*time.Second)
	if err != nil {
		return fmt.Errorf("data disk: %w", err)
	}
	b.disk = &dataDisk{dev: ddev, name: dataMapper, sealer: sealer, erase: op.EraseDataDisk, log: logf}
	t := time.Now()
	if err := b.disk.open(ctx); err != nil {
		return err
	}
	if err := unix.Mount("/dev/mapper/"+dataMapper, DataMount, "ext4", unix.MS_NOSUID|unix.MS_NODEV, "errors=remount-ro"); err != nil {
		b.disk.close(ctx)
		b.disk = nil
		return fmt.Errorf("mount the data disk: %w", err)
	}
	b.mounted = true
	logf("data disk open and mounted in %.1f s", time.Since(t).Seconds())

	// The provider's configuration, in RAM only.
	if err := os.MkdirAll(runDir, 0o700); err != nil {
		return err
	}
	keyFile := filepath.Join(runDir, "wallet.key")
	if err := os.WriteFile(keyFile, walletKey, 0o600); err != nil {
		return err
	}
	fc := ProviderConfig(img, op, string(kind), keyFile)
	fc.SimulatedLaunch = launch
	js, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(runDir, "provider.json"), js, 0o600); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(img.LogFile), 0o700); err != nil {
		return err
	}
	if b.logFile, err = os.OpenFile(img.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return err
	}
	b.procs = map[int]*proc{}
	for _, s := range services() {
		if err := b.spawn(s); err != nil {
			return err
		}
	}
	return nil
}

func (b *boot) spawn(s service) error {
	cmd := exec.Command("/usr/bin/tpod", s.args...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/run/tpod", "TMPDIR=/tmp"}
	w := io.MultiWriter(console, b.logFile)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.name, err)
	}
	b.mu.Lock()
	b.procs[cmd.Process.Pid] = &proc{svc: s, cmd: cmd, started: time.Now()}
	b.mu.Unlock()
	logf("started %s (pid %d)", s.name, cmd.Process.Pid)
	return nil
}

// supervise reaps every child (PID 1 inherits orphans), restarts a service
// that exits (after a pause; a service that keeps failing within seconds
// stops the VM) and returns on a shutdown signal.
func (b *boot) supervise(sigs chan os.Signal) {
	chld := make(chan os.Signal, 16)
	signal.Notify(chld, syscall.SIGCHLD)
	failures := 0
	for {
		select {
		case s := <-sigs:
			logf("%v: shutting down", s)
			return
		case <-chld:
		}
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
			b.mu.Lock()
			p := b.procs[pid]
			delete(b.procs, pid)
			b.mu.Unlock()
			if p == nil {
				continue
			}
			p.cmd.Process.Release()
			logf("%s exited (%s)", p.svc.name, describe(ws))
			if time.Since(p.started) < 30*time.Second {
				failures++
			} else {
				failures = 0
			}
			if failures >= 5 {
				b.down()
				fatal(fmt.Errorf("%s keeps failing", p.svc.name))
			}
			time.Sleep(2 * time.Second)
			if err := b.spawn(p.svc); err != nil {
				b.down()
				fatal(err)
			}
		}
	}
}

func describe(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return "signal " + ws.Signal().String()
	}
	return fmt.Sprintf("status %d", ws.ExitStatus())
}

// down stops the services (SIGTERM: the provider claims its last
// receipts), unmounts and closes the data disk.
func (b *boot) down() {
	b.mu.Lock()
	procs := b.procs
	b.procs = nil
	b.mu.Unlock()
	for _, p := range procs {
		p.cmd.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.Now().Add(60 * time.Second)
	for len(procs) > 0 && time.Now().Before(deadline) {
		var ws unix.WaitStatus
		pid, _ := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if p, ok := procs[pid]; ok {
			logf("%s stopped (%s)", p.svc.name, describe(ws))
			delete(procs, pid)
			continue
		}
		if pid <= 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, p := range procs {
		logf("%s did not stop in time: killed", p.svc.name)
		p.cmd.Process.Kill()
	}
	// Whatever else still runs (containerd, shims, pods) goes too.
	unix.Kill(-1, unix.SIGTERM)
	time.Sleep(2 * time.Second)
	unix.Kill(-1, unix.SIGKILL)
	if b.logFile != nil {
		b.logFile.Close()
	}
	unix.Sync()
	if b.mounted {
		// Container root file systems (overlays on /data), network
		// namespaces and the like go first: they keep /data busy.
		unmountOthers()
		var err error
		for range 20 {
			if err = unix.Unmount(DataMount, 0); err == nil || errors.Is(err, unix.EINVAL) {
				err = nil
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			logf("unmount %s: %v", DataMount, err)
		}
	}
	if b.disk != nil {
		if err := b.disk.close(context.Background()); err != nil {
			logf("close the data disk: %v", err)
		}
	}
}
