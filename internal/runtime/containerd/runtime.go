// Package containerd runs pods on one machine with containerd (Debian's 1.6
// daemon, driven by the v2 client) and runc or gVisor: each pod gets its own
// network namespace on a CNI bridge, its containers share it, and images come
// from local OCI archives. See docs/runtime.md.
package containerd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/containerd/api/services/tasks/v1"
	"github.com/containerd/containerd/api/types/runc/options"
	"github.com/containerd/containerd/v2/client"
	"github.com/containerd/containerd/v2/contrib/seccomp"
	"github.com/containerd/containerd/v2/core/containers"
	"github.com/containerd/containerd/v2/pkg/cio"
	"github.com/containerd/containerd/v2/pkg/namespaces"
	"github.com/containerd/containerd/v2/pkg/oci"
	"github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errgrpc"
	"github.com/containerd/typeurl/v2"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/trustedpods/tpod/internal/cgroupfs"
	"github.com/trustedpods/tpod/internal/keylock"
	"github.com/trustedpods/tpod/internal/runtime"
)

var _ runtime.Runtime = (*Runtime)(nil)

// Sandboxes a Runtime can run containers in.
const (
	SandboxRunc   = "runc"
	SandboxGVisor = "gvisor"
)

// Labels on containerd containers. A new process finds its pods by them.
const (
	labelPod       = "tpod.pod"
	labelContainer = "tpod.container"
	labelExit      = "tpod.exit"     // exit code of the last run, after its task is gone
	labelFinished  = "tpod.finished" // RFC 3339 time the last run ended
	labelOOM       = "tpod.oom"      // "1" if the last run was OOM-killed
)

const (
	runcShim    = "io.containerd.runc.v2"
	snapshotter = "overlayfs"
	defaultPids = 1024
	secretsSize = 4 << 20 // tmpfs size for a pod's secrets
)

// Config configures a Runtime.
type Config struct {
	// Address is the containerd socket.
	Address string
	// Namespace is the containerd namespace holding our containers and images
	// ("tpod" if empty).
	Namespace string
	// DataDir keeps pod state, volumes and logs (on disk).
	DataDir string
	// StateDir keeps network namespaces and secret tmpfs mounts (usually under
	// /run).
	StateDir string
	// Network configures the pod network.
	Network NetworkConfig
	// Sandbox is SandboxGVisor or SandboxRunc (DefaultSandbox if empty).
	Sandbox string
	// RunscPath is the runsc binary for gVisor ("runsc" on PATH if empty).
	RunscPath string
	// GPUDevices are the host's GPU device nodes; nil detects /dev/nvidia[0-9]*.
	// Use an empty non-nil slice to declare a host without GPUs.
	GPUDevices []string
	// MetricsFromContainerd makes UsageAll ask containerd (Task.Metrics via
	// each shim) instead of reading cgroupfs directly; slower, but works when
	// containerd runs on another machine or cgroups are not visible here.
	MetricsFromContainerd bool
	// StartBurst bounds how long a pod beginning a new run may use the
	// CPU above its limit (burst.go): DefaultStartBurst if 0, no burst if
	// negative.
	StartBurst time.Duration
	// Logger receives diagnostics (slog.Default() if nil).
	Logger *slog.Logger
	// Now is the clock (time.Now if nil).
	Now func() time.Time
}

// Runtime is the containerd backend of runtime.Runtime.
type Runtime struct {
	cfg     Config
	client  *client.Client
	net     *network
	log     *slog.Logger
	now     func() time.Time
	gpus    *gpuPool
	runsc   string // wrapper script given to the shim as BinaryName (gVisor)
	cgroups cgroupfs.Hierarchy
	cancel  context.CancelFunc
	done    chan struct{}
	// marksDone is closed when markLogs returns.
	marksDone chan struct{}

	mu    sync.Mutex
	locks keylock.Map
	sups  map[string]*supervisor // by pod ID (supervise.go)
	oom   map[string]bool        // container IDs seen OOM-killed since their start
	disk  map[string]diskSample
	// upperDirs caches each container's writable-layer directory.
	upperDirs map[string]string
	// images caches unpacked images by manifest digest; imageMu keeps
	// collectImages from removing an image a Create or Update is using
	// (image.go).
	images  map[string]client.Image
	imageMu sync.RWMutex
	// importMu serializes image imports and unpacks: containerd's importer
	// writes every archive's index under one content ref, so concurrent
	// imports wait on each other anyway, and two imports of the same image
	// race to create it ("already exists"; 20 concurrent deploys of one
	// image failed so). Under it, an import finds what another just made.
	importMu sync.Mutex
	// usageFiles keeps UsageAll's cgroup and sysfs files open between
	// rounds; usageMu serializes UsageAll calls.
	usageMu    sync.Mutex
	usageFiles *cgroupfs.Files
	// stateCache holds decoded pod.json files (see load).
	stateCache map[string]cachedState
	listedAt   time.Time // last loadAll (see meteredStates)
	// logMarks time the lines of the log files (logtime.go).
	logMarks logMarks
	// bursts are the start bursts in progress, by pod ID (burst.go); under
	// mu. burstWG counts their watchers.
	bursts  map[string]*burst
	burstWG sync.WaitGroup
	// startTrace, set by the wake breakdown test only, is told each stage
	// of a start (trace).
	startTrace func(stage string)
}

// New connects to containerd at cfg.Address and prepares directories, the CNI
// network and the event watcher. Pods created by an earlier process are
// picked up (see List).
func New(ctx context.Context, cfg Config) (*Runtime, error) {
	if cfg.Address == "" || cfg.DataDir == "" || cfg.StateDir == "" {
		return nil, fmt.Errorf("containerd runtime: address, data dir and state dir are required: %w", runtime.ErrInvalid)
	}
	if cfg.Namespace == "" {
		cfg.Namespace = "tpod"
	}
	cfg.Sandbox = ResolveSandbox(cfg.Sandbox)
	if cfg.Sandbox != SandboxRunc && cfg.Sandbox != SandboxGVisor {
		return nil, fmt.Errorf("containerd runtime: sandbox %q: %w", cfg.Sandbox, runtime.ErrInvalid)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, d := range []string{cfg.DataDir, filepath.Join(cfg.DataDir, "pods"), cfg.StateDir, filepath.Join(cfg.StateDir, "pods")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	r := &Runtime{
		cfg:        cfg,
		log:        cfg.Logger.With("component", "runtime-containerd"),
		now:        cfg.Now,
		sups:       map[string]*supervisor{},
		oom:        map[string]bool{},
		disk:       map[string]diskSample{},
		cgroups:    cgroupfs.Detect("/sys/fs/cgroup"),
		images:     map[string]client.Image{},
		stateCache: map[string]cachedState{},
		upperDirs:  map[string]string{},
		usageFiles: cgroupfs.NewFiles(),
		bursts:     map[string]*burst{},
	}
	var err error
	if r.gpus, err = newGPUPool(cfg.GPUDevices); err != nil {
		return nil, err
	}
	if cfg.Sandbox == SandboxGVisor {
		if r.runsc, err = writeRunscWrapper(cfg); err != nil {
			return nil, err
		}
	}
	if r.net, err = newNetwork(cfg); err != nil {
		return nil, err
	}
	r.client, err = client.New(cfg.Address, client.WithDefaultNamespace(cfg.Namespace), client.WithTimeout(10*time.Second))
	if err != nil {
		return nil, fmt.Errorf("connect to containerd at %s: %w: %w", cfg.Address, err, runtime.ErrUnavailable)
	}
	// Recover GPU assignments of existing pods.
	states, err := r.loadAll()
	if err != nil {
		r.client.Close()
		return nil, err
	}
	for _, st := range states {
		r.gpus.claim(st.Spec.ID, st.GPUs)
	}
	r.removeOrphans(r.ctx(ctx), states)
	r.repairFrozen(states)
	r.repairBursts(states)
	r.resumeSupervision(r.ctx(ctx), states)
	wctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go r.watchOOM(r.ctx(wctx))
	r.marksDone = make(chan struct{})
	go r.markLogs(wctx)
	r.net.hold()
	r.log.Info("pod runtime ready", "isolation", r.Isolation())
	return r, nil
}

// Close stops the event watcher and the pods' supervisors and closes the
// connection. Pods keep running (unsupervised until a new Runtime).
// Sandbox is the sandbox pods run in (SandboxRunc or SandboxGVisor), the
// default resolved: what the provider's attested configuration reports.
func (r *Runtime) Sandbox() string { return r.cfg.Sandbox }

// Namespace is the containerd namespace of the pods: their containers'
// cgroups are /<namespace>/<pod>.<container> (what the signing core reads).
func (r *Runtime) Namespace() string { return r.cfg.Namespace }

// PodsDir is where this runtime keeps each pod's data (PodsDir).
func (r *Runtime) PodsDir() string { return PodsDir(r.cfg.DataDir) }

// Close stops the pods' supervisors and background loops (the pods keep
// running in containerd) and closes the connection.
func (r *Runtime) Close() error {
	r.net.release()
	r.mu.Lock()
	ids := make([]string, 0, len(r.sups))
	for id := range r.sups {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	for _, id := range ids {
		r.stopSupervisor(id)
	}
	r.closeBursts()
	r.cancel()
	<-r.done
	<-r.marksDone
	r.usageMu.Lock()
	r.usageFiles.Close()
	r.usageMu.Unlock()
	return r.client.Close()
}

// Client returns the containerd client (for tests and tools).
func (r *Runtime) Client() *client.Client { return r.client }

func (r *Runtime) ctx(ctx context.Context) context.Context {
	return namespaces.WithNamespace(ctx, r.cfg.Namespace)
}

func (r *Runtime) lock(id string) func() { return r.locks.Lock(id) }

// podState is what we persist per pod in DataDir/pods/<id>/pod.json.
type podState struct {
	Spec     runtime.PodSpec // without secret bytes
	NetNS    string
	IP       string
	HostVeth string
	GPUs     []int
	Created  time.Time
	Since    time.Time // start of the current (or last) run
	Reason   string
	// Frozen: the pod idles frozen (runtime.IdleFreeze). Set once every
	// task is paused, cleared once every task runs again; the meter reads
	// it (a paused task's processes still count in pids.current).
	Frozen bool `json:",omitempty"`
	// Parked: the pod idles stopped with its next tasks created ahead and
	// frozen (idle.go), so that a wake only starts them. The containers'
	// labels still describe the last run.
	Parked bool `json:",omitempty"`
	// Burst: a start burst may have lifted the containers' CPU limits
	// (burst.go). Set before any is lifted, cleared once all are back; a
	// new process restores the limits of a pod it finds set.
	Burst bool `json:",omitempty"`
	// Images are the manifest digests of the images the containers run.
	Images []string `json:",omitempty"`
}

func (r *Runtime) podDir(id string) string { return filepath.Join(PodsDir(r.cfg.DataDir), id) }

// PodsDir is where a runtime with data directory dataDir keeps each pod's
// data (<PodsDir>/<pod id>): the signing core bills reserved storage while
// a pod's directory exists (internal/core).
func PodsDir(dataDir string) string { return filepath.Join(dataDir, "pods") }

// ResolveSandbox is the sandbox a runtime configured with s runs pods in
// (DefaultSandbox when s is empty).
func ResolveSandbox(s string) string {
	if s == "" {
		return DefaultSandbox
	}
	return s
}
func (r *Runtime) stateDir(id string) string { return filepath.Join(r.cfg.StateDir, "pods", id) }
func (r *Runtime) logPath(id, name string) string {
	return filepath.Join(r.podDir(id), "logs", name+".log")
}
func containerID(pod, name string) string { return pod + "." + name }

// cachedState is a decoded pod.json and the modification time it had.
type cachedState struct {
	mtime time.Time
	size  int64
	st    podState
}

// load returns a copy of the pod's state. Decoded states are cached,
// written through by save, and re-read when the file's mtime or size
// changes (another process may share the data dir: a tool, a test).
func (r *Runtime) load(id string) (*podState, error) {
	p := filepath.Join(r.podDir(id), "pod.json")
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("pod %s: %w", id, runtime.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	c, ok := r.stateCache[id]
	r.mu.Unlock()
	if ok && c.mtime.Equal(fi.ModTime()) && c.size == fi.Size() {
		st := c.st
		return &st, nil
	}
	st, err := r.read(id)
	if err != nil {
		return nil, err
	}
	r.cache(st, fi)
	cp := *st
	return &cp, nil
}

func (r *Runtime) cache(st *podState, fi os.FileInfo) {
	r.mu.Lock()
	r.stateCache[st.Spec.ID] = cachedState{mtime: fi.ModTime(), size: fi.Size(), st: *st}
	r.mu.Unlock()
}

func (r *Runtime) read(id string) (*podState, error) {
	b, err := os.ReadFile(filepath.Join(r.podDir(id), "pod.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("pod %s: %w", id, runtime.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var st podState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("pod %s state: %w", id, err)
	}
	return &st, nil
}

func (r *Runtime) save(st *podState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	p := filepath.Join(r.podDir(st.Spec.ID), "pod.json")
	if err := os.WriteFile(p+".tmp", b, 0o600); err != nil {
		return err
	}
	if err := os.Rename(p+".tmp", p); err != nil {
		return err
	}
	if fi, err := os.Stat(p); err == nil {
		r.cache(st, fi)
	}
	return nil
}

// loadAll returns every pod's state, sorted by ID, from the data dir.
func (r *Runtime) loadAll() ([]*podState, error) {
	ents, err := os.ReadDir(filepath.Join(r.cfg.DataDir, "pods"))
	if err != nil {
		return nil, err
	}
	var out []*podState
	listed := make(map[string]bool, len(ents))
	for _, e := range ents {
		st, err := r.load(e.Name())
		if errors.Is(err, runtime.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
		listed[st.Spec.ID] = true
	}
	r.mu.Lock()
	var gone []string
	for id := range r.stateCache {
		if !listed[id] {
			gone = append(gone, id)
		}
	}
	r.listedAt = r.now()
	r.mu.Unlock()
	for _, id := range gone { // deleted by another process, or created since the listing
		if _, err := os.Stat(filepath.Join(r.podDir(id), "pod.json")); errors.Is(err, os.ErrNotExist) {
			r.mu.Lock()
			delete(r.stateCache, id)
			r.mu.Unlock()
		}
	}
	return out, nil
}

// meteredStates is loadAll for the meter, which asks every second: between
// listings of the data dir (every diskEvery) it answers from the cache,
// which this runtime's own creates, saves and deletes keep exact. Only a
// pod another process created or removed shows up or goes up to diskEvery
// late.
func (r *Runtime) meteredStates() ([]*podState, error) {
	r.mu.Lock()
	age := r.now().Sub(r.listedAt)
	fresh := !r.listedAt.IsZero() && age >= 0 && age < diskEvery
	var out []*podState
	if fresh {
		out = make([]*podState, 0, len(r.stateCache))
		for _, c := range r.stateCache {
			st := c.st
			out = append(out, &st)
		}
	}
	r.mu.Unlock()
	if !fresh {
		return r.loadAll()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Spec.ID < out[j].Spec.ID })
	return out, nil
}

// Create implements runtime.Runtime.
func (r *Runtime) Create(ctx context.Context, spec runtime.PodSpec) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	ctx = r.ctx(ctx)
	err := r.create(ctx, spec)
	if err != nil && !errors.Is(err, runtime.ErrExists) {
		r.collectImages(context.WithoutCancel(ctx)) // imported for a pod that is not there
	}
	return err
}

func (r *Runtime) create(ctx context.Context, spec runtime.PodSpec) (err error) {
	defer r.lock(spec.ID)()
	if _, err := os.Stat(r.podDir(spec.ID)); err == nil {
		return fmt.Errorf("pod %s: %w", spec.ID, runtime.ErrExists)
	}
	res := spec.Resources()
	gpus, err := r.gpus.allocate(spec.ID, int(res.GPUs))
	if err != nil {
		return err
	}
	st := &podState{Spec: spec.WithoutSecrets(), GPUs: gpus, Created: r.now()}
	for _, d := range []string{r.podDir(spec.ID), filepath.Join(r.podDir(spec.ID), "logs"), filepath.Join(r.podDir(spec.ID), "volumes")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			r.gpus.release(spec.ID)
			return err
		}
	}
	defer func() {
		if err != nil {
			if derr := r.destroy(context.WithoutCancel(ctx), spec.ID, st); derr != nil {
				r.log.Warn("cleanup after failed create", "pod", spec.ID, "err", derr)
			}
		}
	}()
	if err := r.save(st); err != nil {
		return err
	}
	if st.NetNS, st.IP, st.HostVeth, err = r.net.setup(ctx, spec.ID); err != nil {
		return err
	}
	forgetNeighbor(ctx, r.net.bridge, st.IP)
	if err := r.save(st); err != nil {
		return err
	}
	if err := r.createContainers(ctx, st, spec); err != nil {
		return err
	}
	return r.save(st)
}

// Update implements runtime.Runtime. The images the pod no longer uses are
// collected when no other pod uses them.
func (r *Runtime) Update(ctx context.Context, spec runtime.PodSpec, grace time.Duration) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	ctx = r.ctx(ctx)
	err := r.update(ctx, spec, grace)
	r.collectImages(context.WithoutCancel(ctx))
	return err
}

func (r *Runtime) update(ctx context.Context, spec runtime.PodSpec, grace time.Duration) error {
	defer r.lock(spec.ID)()
	st, err := r.load(spec.ID)
	if err != nil {
		return err
	}
	if spec.Resources().GPUs != st.Spec.Resources().GPUs {
		r.gpus.release(spec.ID)
		gpus, err := r.gpus.allocate(spec.ID, int(spec.Resources().GPUs))
		if err != nil {
			r.gpus.claim(spec.ID, st.GPUs)
			return err
		}
		st.GPUs = gpus
	}
	status, err := r.status(ctx, st)
	if err != nil {
		return err
	}
	wasRunning := status.State == runtime.PodRunning || status.State == runtime.PodPartial
	if err := r.stop(ctx, st, grace); err != nil {
		return err
	}
	if err := r.deleteContainers(ctx, st); err != nil {
		return err
	}
	// emptyDir volumes and volumes no longer in the spec go; persistent stay.
	keep := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.Kind == runtime.Persistent {
			keep[v.Name] = true
		}
	}
	vdir := filepath.Join(r.podDir(spec.ID), "volumes")
	if ents, err := os.ReadDir(vdir); err == nil {
		for _, e := range ents {
			if !keep[e.Name()] {
				if err := os.RemoveAll(filepath.Join(vdir, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	st.Spec = spec.WithoutSecrets()
	st.Reason = ""
	if err := r.createContainers(ctx, st, spec); err != nil {
		return err
	}
	if err := r.save(st); err != nil {
		return err
	}
	if wasRunning {
		return r.start(ctx, st)
	}
	return nil
}

// createContainers writes secrets, makes volume directories, imports images
// and creates one containerd container per spec container. It holds imageMu
// for reading: the images it looks up stay until its containers use them.
func (r *Runtime) createContainers(ctx context.Context, st *podState, spec runtime.PodSpec) error {
	r.imageMu.RLock()
	defer r.imageMu.RUnlock()
	if err := r.writeSecrets(spec); err != nil {
		return err
	}
	etc, err := r.writeEtc(st)
	if err != nil {
		return err
	}
	vols := map[string]runtime.Volume{}
	for _, v := range spec.Volumes {
		vols[v.Name] = v
		if v.Kind != runtime.Secret {
			// World-writable like a Kubernetes emptyDir, so a container
			// running as another user can write (the pod directory above is
			// 0700).
			dir := filepath.Join(r.podDir(spec.ID), "volumes", v.Name)
			if err := os.MkdirAll(dir, 0o777); err != nil {
				return err
			}
			if err := os.Chmod(dir, 0o777); err != nil {
				return err
			}
		}
	}
	st.Images = nil
	for _, c := range spec.AllContainers() {
		img, err := r.ensureImage(ctx, c.Image)
		if err != nil {
			return fmt.Errorf("container %s: %w", c.Name, err)
		}
		if d := img.Target().Digest.String(); !slices.Contains(st.Images, d) {
			st.Images = append(st.Images, d)
		}
		sopts := []oci.SpecOpts{
			oci.WithImageConfig(img),
			oci.WithHostname(spec.ID),
			oci.WithNoNewPrivileges,
			seccomp.WithDefaultProfile(),
			oci.WithLinuxNamespace(specs.LinuxNamespace{Type: specs.NetworkNamespace, Path: st.NetNS}),
			oci.WithPidsLimit(int64(cmp0(c.Resources.Pids, defaultPids))),
		}
		switch {
		case len(c.Command) > 0:
			sopts = append(sopts, oci.WithProcessArgs(append(append([]string{}, c.Command...), c.Args...)...))
		case len(c.Args) > 0:
			sopts = append(sopts, oci.WithImageConfigArgs(img, c.Args))
		}
		if len(c.Env) > 0 || len(c.PodIPEnv) > 0 {
			keys := make([]string, 0, len(c.Env))
			for k := range c.Env {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			env := make([]string, 0, len(keys)+len(c.PodIPEnv))
			for _, k := range keys {
				env = append(env, k+"="+c.Env[k])
			}
			for _, k := range c.PodIPEnv {
				env = append(env, k+"="+st.IP)
			}
			sopts = append(sopts, oci.WithEnv(env))
		}
		if c.WorkDir != "" {
			sopts = append(sopts, oci.WithProcessCwd(c.WorkDir))
		}
		sopts = append(sopts, securityOpts(c)...)
		if c.Resources.CPUMillis > 0 {
			const period = 100_000 // µs
			sopts = append(sopts, oci.WithCPUCFS(int64(c.Resources.CPUMillis*period/1000), period))
		}
		if c.Resources.MemoryMiB > 0 {
			sopts = append(sopts, oci.WithMemoryLimit(c.Resources.MemoryMiB<<20))
		}
		mounts := []specs.Mount{
			{Destination: "/etc/hosts", Type: "bind", Source: filepath.Join(etc, "hosts"), Options: []string{"rbind", "ro"}},
			{Destination: "/etc/resolv.conf", Type: "bind", Source: filepath.Join(etc, "resolv.conf"), Options: []string{"rbind", "ro"}},
		}
		for _, m := range c.Mounts {
			v := vols[m.Volume]
			src := filepath.Join(r.podDir(spec.ID), "volumes", v.Name)
			opts := []string{"rbind", "rw"}
			if v.Kind == runtime.Secret {
				src = filepath.Join(r.stateDir(spec.ID), "secrets", v.Name)
				opts = []string{"rbind", "ro", "nosuid", "nodev", "noexec"}
			} else if m.ReadOnly {
				opts = []string{"rbind", "ro"}
			}
			if m.SubPath != "" {
				if src, err = subPath(src, m.SubPath, v.Kind != runtime.Secret); err != nil {
					return fmt.Errorf("container %s: volume %s: %w", c.Name, v.Name, err)
				}
			}
			mounts = append(mounts, specs.Mount{Destination: m.Path, Type: "bind", Source: src, Options: opts})
		}
		sopts = append(sopts, oci.WithMounts(mounts))
		if c.Resources.GPUs > 0 {
			for _, dev := range r.gpus.devicesFor(spec.ID, st.GPUs, int(c.Resources.GPUs)) {
				sopts = append(sopts, oci.WithLinuxDevice(dev, "rwm"))
			}
		}
		copts := []client.NewContainerOpts{
			client.WithContainerLabels(map[string]string{labelPod: spec.ID, labelContainer: c.Name}),
			client.WithImage(img),
			client.WithSnapshotter(snapshotter),
			client.WithNewSnapshot(containerID(spec.ID, c.Name), img),
			r.runtimeOpt(),
			client.WithNewSpec(sopts...),
		}
		if _, err := r.client.NewContainer(ctx, containerID(spec.ID, c.Name), copts...); err != nil {
			return fmt.Errorf("create container %s: %w", c.Name, wrapErr(err))
		}
	}
	return nil
}

func (r *Runtime) runtimeOpt() client.NewContainerOpts {
	if r.cfg.Sandbox == SandboxGVisor {
		return client.WithRuntime(runcShim, &options.Options{
			BinaryName: r.runsc,
			Root:       filepath.Join(r.cfg.StateDir, "runsc"),
		})
	}
	return client.WithRuntime(runcShim, nil)
}

func cmp0(v, def uint64) uint64 {
	if v == 0 {
		return def
	}
	return v
}

// writeEtc writes the pod's /etc/hosts and /etc/resolv.conf. The pod ID and
// the spec's Hostnames resolve to the pod's own address.
func (r *Runtime) writeEtc(st *podState) (string, error) {
	dir := filepath.Join(r.podDir(st.Spec.ID), "etc")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts"), hostsFile(st.IP, st.Spec), 0o644); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "resolv.conf"), r.net.resolvConf, 0o644)
}

// hostsFile is the pod's /etc/hosts: localhost, then the pod's address with
// its ID and every hostname of the spec (a few per line).
func hostsFile(ip string, spec runtime.PodSpec) []byte {
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost\n")
	names := append([]string{spec.ID}, spec.Hostnames...)
	for len(names) > 0 {
		n := min(len(names), 8)
		fmt.Fprintf(&b, "%s\t%s\n", ip, strings.Join(names[:n], " "))
		names = names[n:]
	}
	return []byte(b.String())
}

// subPath returns root/sub after checking that no component of it is a
// symbolic link (a container could plant one in its volume to make the
// runtime bind-mount a host path), creating missing directories when mkdir.
func subPath(root, sub string, mkdir bool) (string, error) {
	p := root
	for _, part := range strings.Split(sub, "/") {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) && mkdir {
			if err := os.Mkdir(p, 0o777); err != nil {
				return "", err
			}
			continue
		}
		if err != nil {
			return "", fmt.Errorf("sub path %s: %w", sub, runtime.ErrInvalid)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return "", fmt.Errorf("sub path %s: %s is a symbolic link: %w", sub, part, runtime.ErrInvalid)
		}
	}
	return p, nil
}

// securityOpts applies a container's user, /dev/shm size, read-only root
// and dropped capabilities.
func securityOpts(c runtime.Container) []oci.SpecOpts {
	var opts []oci.SpecOpts
	if c.User != "" {
		opts = append(opts, oci.WithUser(c.User))
	}
	if c.ShmSizeMiB > 0 {
		opts = append(opts, oci.WithDevShmSize(int64(c.ShmSizeMiB)<<10))
	}
	if c.ReadOnlyRootFS {
		opts = append(opts, oci.WithRootFSReadonly())
	}
	if len(c.CapDrop) > 0 {
		var caps []string
		for _, cp := range c.CapDrop {
			if strings.EqualFold(cp, "ALL") {
				opts = append(opts, oci.WithCapabilities(nil))
				caps = nil
				break
			}
			caps = append(caps, "CAP_"+strings.TrimPrefix(strings.ToUpper(cp), "CAP_"))
		}
		if caps != nil {
			opts = append(opts, oci.WithDroppedCapabilities(caps))
		}
	}
	return opts
}

// writeSecrets mounts a tmpfs for the pod's secrets (once) and writes each
// secret volume into it. Secret bytes never touch a disk.
func (r *Runtime) writeSecrets(spec runtime.PodSpec) error {
	has := false
	for _, v := range spec.Volumes {
		has = has || v.Kind == runtime.Secret
	}
	dir := filepath.Join(r.stateDir(spec.ID), "secrets")
	if !has {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if !isMountpoint(dir) {
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "mode=0700,size="+strconv.Itoa(secretsSize)); err != nil {
			return fmt.Errorf("mount secrets tmpfs: %w", err)
		}
	}
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	for _, v := range spec.Volumes {
		if v.Kind != runtime.Secret {
			continue
		}
		vdir := filepath.Join(dir, v.Name)
		if err := os.RemoveAll(vdir); err != nil {
			return err
		}
		if err := os.Mkdir(vdir, 0o755); err != nil {
			return err
		}
		for name, b := range v.Files {
			if err := os.WriteFile(filepath.Join(vdir, name), b, 0o444); err != nil {
				return err
			}
		}
	}
	return nil
}

func isMountpoint(dir string) bool {
	var a, b syscall.Stat_t
	if syscall.Stat(dir, &a) != nil || syscall.Stat(filepath.Dir(dir), &b) != nil {
		return false
	}
	return a.Dev != b.Dev
}

// Start implements runtime.Runtime.
func (r *Runtime) Start(ctx context.Context, id string) error {
	ctx = r.ctx(ctx)
	defer r.lock(id)()
	st, err := r.load(id)
	if err != nil {
		return err
	}
	return r.start(ctx, st)
}

func (r *Runtime) start(ctx context.Context, st *podState) (err error) {
	// A frozen pod is thawed: the same run goes on. Containers that had
	// exited before it froze are then started as in a running pod.
	if st.Frozen {
		if err := r.thaw(st); err != nil {
			return err
		}
		if !st.Spec.Supervised() && r.allRunning(st) {
			return nil // the wake's fast path: every container runs again
		}
	}
	r.trace("start")
	// A new run starts with its CPU limits lifted for a while (burst.go).
	if (st.Parked || !r.anyProcesses(st)) && r.beginBurst(st) {
		defer func() {
			if err != nil {
				r.endBurst(st)
			} else {
				r.watchBurst(st)
			}
		}()
	}
	if err := r.ensureNetwork(ctx, st); err != nil {
		return err
	}
	if st.Parked {
		r.clearParkingMarker(st) // what runs from now on is a run
	}
	if st.Spec.Supervised() {
		return r.startSupervised(ctx, st)
	}
	// A new run (and a new Since, which tells the meter that CPU counters
	// restarted) begins only when no container was running; restarting one
	// exited container of a running pod continues the run.
	started, wasRunning := false, false
	for _, c := range st.Spec.Containers {
		running, err := r.startContainer(ctx, st.Spec.ID, c.Name)
		if err != nil {
			return err
		}
		wasRunning = wasRunning || running
		started = started || !running
	}
	if started || st.Parked {
		if !wasRunning {
			st.Since = r.now()
		}
		st.Reason, st.Parked = "", false
		defer r.trace("saved")
		return r.save(st)
	}
	return nil
}

// trace marks a stage of a start for the wake breakdown test
// (startTrace is nil otherwise).
func (r *Runtime) trace(stage string) {
	if r.startTrace != nil {
		r.startTrace(stage)
	}
}

// startContainer starts a new task for one container, deleting its previous
// (exited) task first, or starts the task parked for it (idle.go). It
// reports whether the container was running already, in which case it does
// nothing.
func (r *Runtime) startContainer(ctx context.Context, pod, name string) (running bool, err error) {
	cid := containerID(pod, name)
	cont, err := r.client.LoadContainer(ctx, cid)
	if err != nil {
		return false, fmt.Errorf("load container %s: %w", cid, wrapErr(err))
	}
	var task client.Task
	parked := false
	if t, err := cont.Task(ctx, nil); err == nil {
		s, err := t.Status(ctx)
		if err != nil {
			return false, wrapErr(err)
		}
		switch {
		case s.Status == client.Running:
			return true, nil
		case s.Status == client.Created:
			// Parked: created ahead and frozen; only its start is left.
			task, parked = t, true
		default:
			if err := r.deleteTask(ctx, cont, t); err != nil {
				return false, err
			}
		}
	}
	r.trace("task looked up")
	if _, err := cont.SetLabels(ctx, map[string]string{labelExit: "", labelFinished: "", labelOOM: ""}); err != nil {
		return false, wrapErr(err)
	}
	r.trace("labels cleared")
	r.mu.Lock()
	delete(r.oom, cid)
	r.mu.Unlock()
	if task == nil {
		task, err = cont.NewTask(ctx, cio.LogFile(r.logPath(pod, name)))
		if errdefs.IsAlreadyExists(err) {
			// A task containerd lists but cannot load: clear it, once.
			if err = r.clearStaleTask(ctx, cid); err == nil {
				task, err = cont.NewTask(ctx, cio.LogFile(r.logPath(pod, name)))
			}
		}
		if err != nil {
			return false, fmt.Errorf("create task %s: %w", cid, wrapErr(err))
		}
	}
	r.trace("task created")
	// Under a start burst its limit is lifted before it may run.
	r.liftForBurst(pod, name)
	if parked {
		if err := r.cgroups.SetFrozen(r.cfg.Namespace, cid, false); err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("thaw %s: %w", cid, err)
		}
	}
	r.trace("limit lifted, thawed")
	// What the task writes from now on is timed by the next mark (logtime.go).
	r.logMarks.mark(r.logPath(pod, name), r.now())
	if err := task.Start(ctx); err != nil {
		task.Delete(ctx, client.WithProcessKill)
		return false, fmt.Errorf("start task %s: %w", cid, wrapErr(err))
	}
	r.trace("task started")
	return false, nil
}

// Stop implements runtime.Runtime.
func (r *Runtime) Stop(ctx context.Context, id string, grace time.Duration) error {
	ctx = r.ctx(ctx)
	defer r.lock(id)()
	st, err := r.load(id)
	if err != nil {
		return err
	}
	return r.stop(ctx, st, grace)
}

// stop signals every running task with SIGTERM, waits up to grace for all of
// them, SIGKILLs what is left, and deletes the tasks (recording exit codes).
func (r *Runtime) stop(ctx context.Context, st *podState, grace time.Duration) error {
	type running struct {
		cont client.Container
		task client.Task
		exit <-chan client.ExitStatus
	}
	r.stopSupervisor(st.Spec.ID)
	r.endBurst(st)
	// A frozen process would take its SIGTERM only once thawed; tasks
	// parked for the next start go without one.
	if err := r.thaw(st); err != nil {
		return err
	}
	if err := r.unpark(ctx, st); err != nil {
		return err
	}
	var all []running
	for _, c := range st.Spec.AllContainers() {
		cont, err := r.client.LoadContainer(ctx, containerID(st.Spec.ID, c.Name))
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return wrapErr(err)
		}
		task, err := cont.Task(ctx, nil)
		if errdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return wrapErr(err)
		}
		exit, err := task.Wait(ctx)
		if err != nil {
			return wrapErr(err)
		}
		all = append(all, running{cont, task, exit})
		if err := task.Kill(ctx, syscall.SIGTERM, client.WithKillAll); err != nil && !errdefs.IsNotFound(err) {
			r.log.Debug("sigterm", "container", cont.ID(), "err", err)
		}
	}
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	for _, t := range all {
		select {
		case <-t.exit:
			continue
		case <-deadline.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		// Grace is over: SIGKILL this and every remaining task.
		for _, k := range all {
			if err := k.task.Kill(ctx, syscall.SIGKILL, client.WithKillAll); err != nil && !errdefs.IsNotFound(err) {
				r.log.Debug("sigkill", "container", k.cont.ID(), "err", err)
			}
		}
		break
	}
	for _, t := range all {
		select {
		case <-t.exit:
		case <-time.After(10 * time.Second):
			return fmt.Errorf("container %s did not exit after SIGKILL: %w", t.cont.ID(), runtime.ErrUnavailable)
		}
		if err := r.deleteTask(ctx, t.cont, t.task); err != nil {
			return err
		}
	}
	return nil
}

// deleteTask deletes a stopped task and records its exit on the container.
func (r *Runtime) deleteTask(ctx context.Context, cont client.Container, task client.Task) error {
	es, err := task.Delete(ctx, client.WithProcessKill)
	if err != nil && !errdefs.IsNotFound(err) {
		if r.cfg.Sandbox == SandboxGVisor {
			r.forceDeleteRunsc(cont.ID())
			es, err = task.Delete(ctx, client.WithProcessKill)
		}
		if err != nil && !errdefs.IsNotFound(err) {
			return fmt.Errorf("delete task %s: %w", cont.ID(), wrapErr(err))
		}
	}
	labels := map[string]string{labelFinished: r.now().UTC().Format(time.RFC3339Nano)}
	if es != nil {
		labels[labelExit] = strconv.FormatUint(uint64(es.ExitCode()), 10)
		if !es.ExitTime().IsZero() {
			labels[labelFinished] = es.ExitTime().UTC().Format(time.RFC3339Nano)
		}
	}
	r.mu.Lock()
	if r.oom[cont.ID()] {
		labels[labelOOM] = "1"
	}
	r.mu.Unlock()
	_, err = cont.SetLabels(ctx, labels)
	return wrapErr(err)
}

// Delete implements runtime.Runtime. The pod's images go too unless another
// pod uses them.
func (r *Runtime) Delete(ctx context.Context, id string, grace time.Duration) error {
	ctx = r.ctx(ctx)
	if err := r.delete(ctx, id, grace); err != nil {
		return err
	}
	r.collectImages(context.WithoutCancel(ctx))
	return nil
}

func (r *Runtime) delete(ctx context.Context, id string, grace time.Duration) error {
	defer r.lock(id)()
	st, err := r.load(id)
	if err != nil {
		return err
	}
	if err := r.stop(ctx, st, grace); err != nil {
		r.log.Warn("stop before delete", "pod", id, "err", err)
	}
	return r.destroy(ctx, id, st)
}

// destroy removes everything a pod holds; it tolerates missing parts so it
// can finish a half-done create or delete.
func (r *Runtime) destroy(ctx context.Context, id string, st *podState) error {
	var errs []error
	if err := r.deleteContainers(ctx, st); err != nil {
		errs = append(errs, err)
	}
	if err := r.net.teardown(ctx, id, st.NetNS); err != nil {
		errs = append(errs, err)
	}
	sec := filepath.Join(r.stateDir(id), "secrets")
	if isMountpoint(sec) {
		if err := syscall.Unmount(sec, syscall.MNT_DETACH); err != nil {
			errs = append(errs, fmt.Errorf("unmount secrets: %w", err))
		}
	}
	if err := os.RemoveAll(r.stateDir(id)); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		if err := os.RemoveAll(r.podDir(id)); err != nil {
			errs = append(errs, err)
		}
		r.gpus.release(id)
		r.mu.Lock()
		delete(r.disk, id)
		delete(r.stateCache, id)
		for _, c := range st.Spec.AllContainers() {
			delete(r.upperDirs, containerID(id, c.Name))
		}
		r.mu.Unlock()
		r.locks.Forget(id)
		r.dropBurst(id) // its watcher, if stop failed
		for _, c := range st.Spec.AllContainers() {
			r.logMarks.forget(r.logPath(id, c.Name))
		}
	}
	return errors.Join(errs...)
}

// deleteContainers removes the pod's containers (tasks first) and their
// snapshots, including containers labelled for the pod but not in its spec.
func (r *Runtime) deleteContainers(ctx context.Context, st *podState) error {
	conts, err := r.client.Containers(ctx, fmt.Sprintf("labels.%q==%q", labelPod, st.Spec.ID))
	if err != nil {
		return wrapErr(err)
	}
	var errs []error
	for _, cont := range conts {
		task, err := cont.Task(ctx, nil)
		if errdefs.IsNotFound(err) {
			if err := r.clearStaleTask(ctx, cont.ID()); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if err == nil {
			// A frozen process (an idle pod's, a parked task's) dies of
			// SIGKILL only once thawed.
			r.cgroups.SetFrozen(r.cfg.Namespace, cont.ID(), false)
			if _, err := task.Delete(ctx, client.WithProcessKill); err != nil && !errdefs.IsNotFound(err) {
				if r.cfg.Sandbox == SandboxGVisor {
					r.forceDeleteRunsc(cont.ID())
					_, err = task.Delete(ctx, client.WithProcessKill)
				}
				if err != nil && !errdefs.IsNotFound(err) {
					errs = append(errs, fmt.Errorf("delete task %s: %w", cont.ID(), err))
					continue
				}
			}
		}
		if err := cont.Delete(ctx, client.WithSnapshotCleanup); err != nil && !errdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete container %s: %w", cont.ID(), err))
		}
		r.mu.Lock()
		delete(r.oom, cont.ID())
		r.mu.Unlock()
	}
	return errors.Join(errs...)
}

// clearStaleTask removes the task containerd may still list for a
// container whose task cannot be loaded: a task delete the shim carried out
// and containerd never finished (containerd stopped half-way, with the
// provider). containerd then answers "not found" for the task, yet refuses
// a new one ("already exists"), and removing the container would leave the
// shim and its bundle behind. Deleting it through the task service ends the
// shim and removes the bundle; for a container without a task it is a
// no-op.
func (r *Runtime) clearStaleTask(ctx context.Context, cid string) error {
	_, err := r.client.TaskService().Delete(ctx, &tasks.DeleteTaskRequest{ContainerID: cid})
	if err = errgrpc.ToNative(err); err != nil && !errdefs.IsNotFound(err) {
		return fmt.Errorf("clear stale task %s: %w", cid, wrapErr(err))
	}
	return nil
}

// Status implements runtime.Runtime.
func (r *Runtime) Status(ctx context.Context, id string) (runtime.PodStatus, error) {
	ctx = r.ctx(ctx)
	st, err := r.load(id)
	if err != nil {
		return runtime.PodStatus{}, err
	}
	return r.status(ctx, st)
}

func (r *Runtime) status(ctx context.Context, st *podState) (runtime.PodStatus, error) {
	ps := runtime.PodStatus{ID: st.Spec.ID, IP: st.IP, Reason: st.Reason}
	sv := r.supervisor(st.Spec.ID)
	n, nRunning, nCreated, nFrozen, ready := 0, 0, 0, 0, true
	for i, c := range st.Spec.AllContainers() {
		cs, err := r.containerStatusOf(ctx, containerID(st.Spec.ID, c.Name), st.Parked)
		if err != nil {
			return runtime.PodStatus{}, err
		}
		cs.Name, cs.Init = c.Name, i < len(st.Spec.InitContainers)
		if st.Frozen && cs.State == runtime.ContainerRunning {
			cs.State = runtime.ContainerFrozen // containerd does not know (idle.go)
		}
		cs.Ready = cs.State == runtime.ContainerRunning
		if sv != nil {
			cs.Restarts = sv.restarts(c.Name)
		}
		if c.Readiness != nil {
			// Without a supervisor here (another process runs the pod) the
			// probe's result is unknown.
			cs.Ready = cs.Ready && sv != nil && sv.ready(c.Name)
		}
		ps.Containers = append(ps.Containers, cs)
		if cs.Init && !c.Sidecar {
			continue // ran to completion: not part of the pod's steady state
		}
		n++
		ready = ready && cs.Ready
		switch cs.State {
		case runtime.ContainerRunning:
			nRunning++
		case runtime.ContainerCreated:
			nCreated++
		case runtime.ContainerFrozen:
			nFrozen++
		}
	}
	switch {
	case sv != nil && sv.initializing():
		ps.State = runtime.PodStarting
	case nFrozen > 0 && nRunning == 0:
		ps.State = runtime.PodFrozen
	case n > 0 && nRunning == n:
		ps.State = runtime.PodRunning
	case nRunning > 0:
		ps.State = runtime.PodPartial
	case n > 0 && nCreated == n:
		ps.State = runtime.PodCreated
	default:
		ps.State = runtime.PodStopped
	}
	ps.Ready = ps.State == runtime.PodRunning && ready
	return ps, nil
}

func (r *Runtime) containerStatus(ctx context.Context, cid string) (runtime.ContainerStatus, error) {
	return r.containerStatusOf(ctx, cid, false)
}

// containerStatusOf reports a container; parked says its task, if created
// and not started, is one made ahead for the next start (Parked), and the
// container is reported from its last run's labels.
func (r *Runtime) containerStatusOf(ctx context.Context, cid string, parked bool) (runtime.ContainerStatus, error) {
	var cs runtime.ContainerStatus
	cont, err := r.client.LoadContainer(ctx, cid)
	if errdefs.IsNotFound(err) {
		cs.State = runtime.ContainerCreated // mid-update
		return cs, nil
	}
	if err != nil {
		return cs, wrapErr(err)
	}
	labels, err := cont.Labels(ctx)
	if err != nil {
		return cs, wrapErr(err)
	}
	r.mu.Lock()
	cs.OOMKilled = r.oom[cid] || labels[labelOOM] == "1"
	r.mu.Unlock()
	task, err := cont.Task(ctx, nil)
	if err == nil && parked {
		if s, serr := task.Status(ctx); serr == nil && s.Status == client.Created {
			err = errdefs.ErrNotFound // the parked task is not a run
		}
	}
	if errdefs.IsNotFound(err) {
		if code, ok := labels[labelExit]; ok && code != "" || labels[labelFinished] != "" {
			n, _ := strconv.ParseUint(labels[labelExit], 10, 32)
			cs.State, cs.ExitCode = runtime.ContainerExited, uint32(n)
			cs.FinishedAt, _ = time.Parse(time.RFC3339Nano, labels[labelFinished])
		} else {
			cs.State = runtime.ContainerCreated
		}
		return cs, nil
	}
	if err != nil {
		return cs, wrapErr(err)
	}
	s, err := task.Status(ctx)
	if err != nil {
		return cs, wrapErr(err)
	}
	switch s.Status {
	case client.Running, client.Paused, client.Pausing:
		cs.State = runtime.ContainerRunning
	case client.Created:
		cs.State = runtime.ContainerCreated
	default:
		cs.State, cs.ExitCode, cs.FinishedAt = runtime.ContainerExited, s.ExitStatus, s.ExitTime
	}
	return cs, nil
}

// List implements runtime.Runtime.
func (r *Runtime) List(ctx context.Context) ([]runtime.PodInfo, error) {
	ctx = r.ctx(ctx)
	states, err := r.loadAll()
	if err != nil {
		return nil, err
	}
	out := make([]runtime.PodInfo, 0, len(states))
	for _, st := range states {
		ps, err := r.status(ctx, st)
		if err != nil {
			return nil, err
		}
		out = append(out, runtime.PodInfo{Spec: st.Spec, State: ps.State})
	}
	return out, nil
}

// wrapErr maps containerd's error categories onto ours.
func wrapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errdefs.IsNotFound(err):
		return fmt.Errorf("%w: %w", runtime.ErrNotFound, err)
	case errdefs.IsAlreadyExists(err):
		return fmt.Errorf("%w: %w", runtime.ErrExists, err)
	case errdefs.IsInvalidArgument(err):
		return fmt.Errorf("%w: %w", runtime.ErrInvalid, err)
	case errdefs.IsUnavailable(err):
		return fmt.Errorf("%w: %w", runtime.ErrUnavailable, err)
	case errdefs.IsFailedPrecondition(err):
		return fmt.Errorf("%w: %w", runtime.ErrFailedPrecondition, err)
	}
	return err
}

// removeOrphans deletes containers labelled for a pod that no longer has a
// state file (a Delete that failed half-way in an earlier process).
func (r *Runtime) removeOrphans(ctx context.Context, states []*podState) {
	known := map[string]bool{}
	for _, st := range states {
		known[st.Spec.ID] = true
	}
	conts, err := r.client.Containers(ctx, fmt.Sprintf("labels.%q", labelPod))
	if err != nil {
		r.log.Warn("list containers", "err", err)
		return
	}
	orphans := map[string]bool{}
	for _, c := range conts {
		labels, err := c.Labels(ctx)
		if err == nil && !known[labels[labelPod]] {
			orphans[labels[labelPod]] = true
		}
	}
	for id := range orphans {
		r.log.Info("removing containers of a deleted pod", "pod", id)
		if err := r.deleteContainers(ctx, &podState{Spec: runtime.PodSpec{ID: id}}); err != nil {
			r.log.Warn("remove orphan containers", "pod", id, "err", err)
		}
	}
}

// ensureNetwork recreates a pod's network namespace when it is gone (the host
// rebooted: StateDir is on tmpfs): CNI DEL of the old attachment, a new
// namespace and address, and the containers' specs pointed at it. Secrets
// cannot come back — they were only ever in memory — so a pod with secret
// volumes needs an Update with its spec first.
func (r *Runtime) ensureNetwork(ctx context.Context, st *podState) error {
	if _, err := os.Stat(st.NetNS); err == nil {
		return nil
	}
	for _, v := range st.Spec.Volumes {
		if v.Kind == runtime.Secret && !isMountpoint(filepath.Join(r.stateDir(st.Spec.ID), "secrets")) {
			return fmt.Errorf("pod %s: its secrets were lost with the host's memory; Update it with its spec: %w", st.Spec.ID, runtime.ErrFailedPrecondition)
		}
	}
	r.log.Info("recreating the network of a pod", "pod", st.Spec.ID, "old", st.IP)
	if err := r.net.teardown(ctx, st.Spec.ID, st.NetNS); err != nil {
		r.log.Warn("release old network", "pod", st.Spec.ID, "err", err)
	}
	var err error
	if st.NetNS, st.IP, st.HostVeth, err = r.net.setup(ctx, st.Spec.ID); err != nil {
		return err
	}
	forgetNeighbor(ctx, r.net.bridge, st.IP)
	if err := r.save(st); err != nil {
		return err
	}
	if _, err := r.writeEtc(st); err != nil {
		return err
	}
	for _, c := range st.Spec.AllContainers() {
		cont, err := r.client.LoadContainer(ctx, containerID(st.Spec.ID, c.Name))
		if err != nil {
			return wrapErr(err)
		}
		spec, err := cont.Spec(ctx)
		if err != nil {
			return wrapErr(err)
		}
		for i, ns := range spec.Linux.Namespaces {
			if ns.Type == specs.NetworkNamespace {
				spec.Linux.Namespaces[i].Path = st.NetNS
			}
		}
		if err := cont.Update(ctx, func(ctx context.Context, _ *client.Client, c *containers.Container) error {
			a, err := typeurl.MarshalAny(spec)
			if err != nil {
				return err
			}
			c.Spec = a
			return nil
		}); err != nil {
			return fmt.Errorf("point container %s at the new network: %w", cont.ID(), wrapErr(err))
		}
	}
	return nil
}
