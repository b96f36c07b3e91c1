package runtime

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
)

// Keys of PodSpec.Labels that the provider sets and backends may act on.
const (
	// LabelChannel is the hex ID of the payment channel paying for the pod.
	LabelChannel = "tpod.io/channel"
	// LabelPodID is the publisher's podId, hex.
	LabelPodID = "tpod.io/pod-id"
	// LabelScaleMin ("0" or "1") and LabelScaleMax are the manifest's
	// replica range; a backend that scales (Kubernetes) uses them.
	LabelScaleMin = "tpod.io/scale-min"
	LabelScaleMax = "tpod.io/scale-max"
)

// PodSpec is the runtime-level description of a pod. It is independent of
// the publisher's manifest format; the provider translates one into the other.
type PodSpec struct {
	// ID names the pod: 1–48 characters of [a-z0-9-], starting with a letter
	// or digit. It appears in container IDs, labels and network names.
	ID string
	// Labels are free-form metadata stored with the pod and returned by List.
	Labels map[string]string
	// InitContainers run before Containers, one after the other: each must
	// exit 0 before the next starts (restarted per its Restart policy when it
	// fails). A Sidecar init container is started and kept running instead;
	// the next one starts once it runs and its Startup probe (if any) passed.
	// Containers start together after the last init container.
	InitContainers []Container
	Containers     []Container
	Volumes        []Volume
	// Hostnames resolve to the pod's own address inside the pod (Compose
	// service names, Kubernetes Service and container names), besides ID.
	Hostnames []string
	// Idle is how the pod rests while scaled to zero (the manifest's
	// scale.idle), for a backend that implements Idler.
	Idle IdleMode
}

// IdleMode says how a scaled-to-zero pod rests (docs/runtime.md § Idle).
type IdleMode string

const (
	// IdleStop: its processes end, as with Stop (the default).
	IdleStop IdleMode = ""
	// IdleFreeze: its processes are frozen in memory (FeatureFreeze): they
	// keep their memory and get no CPU, and Start thaws them.
	IdleFreeze IdleMode = "freeze"
)

// Container is one process tree of a pod. All containers of a pod share its
// network namespace (they reach each other on localhost).
type Container struct {
	// Name is unique within the pod: 1–32 characters of [a-z0-9-].
	Name  string
	Image Image
	// Command replaces the image's entrypoint when set; Args replace its cmd.
	Command []string
	Args    []string
	// Env is added to the image's environment (NAME=value overrides).
	Env map[string]string
	// PodIPEnv names variables set to the pod's address (Kubernetes'
	// fieldRef status.podIP).
	PodIPEnv  []string
	WorkDir   string
	Ports     []Port
	Resources Resources
	Mounts    []Mount

	// Restart says what happens when the process exits (default: never
	// restarted). Sidecars are always restarted.
	Restart RestartPolicy
	// Sidecar marks an init container that keeps running beside the
	// containers (Kubernetes restartPolicy: Always on an init container).
	Sidecar bool
	// User runs the process as "uid", "uid:gid", "name" or "name:group"
	// (names from the image's /etc/passwd and /etc/group).
	User string
	// ShmSizeMiB sizes /dev/shm (0: the runtime's default, 64 MiB).
	ShmSizeMiB uint64
	// ReadOnlyRootFS mounts the image read-only (volumes stay writable).
	ReadOnlyRootFS bool
	// CapDrop removes capabilities ("NET_RAW" or "CAP_NET_RAW"; "ALL").
	CapDrop []string
	// Liveness restarts the container (per Restart) after FailureThreshold
	// failures in a row. Readiness decides ContainerStatus.Ready. Startup
	// gates a sidecar's successors and holds off the other probes until it
	// passes once.
	Liveness, Readiness, Startup *Probe
}

// RestartPolicy says whether an exited container is started again.
type RestartPolicy string

const (
	RestartNever     RestartPolicy = "" // the default
	RestartOnFailure RestartPolicy = "on-failure"
	RestartAlways    RestartPolicy = "always"
)

// Probe checks a container: exactly one of Exec, HTTPGet or TCPPort.
// Zero durations and thresholds take the Kubernetes defaults (period 10 s,
// timeout 1 s, success 1, failure 3).
type Probe struct {
	// Exec runs a command in the container; exit 0 is success.
	Exec []string
	// HTTPGet asks the pod's address; a status 200–399 is success.
	HTTPGet *HTTPGetProbe
	// TCPPort succeeds when a connection to the pod's address is accepted.
	TCPPort uint16

	InitialDelay     time.Duration
	Period           time.Duration
	Timeout          time.Duration
	SuccessThreshold int
	FailureThreshold int
}

// HTTPGetProbe is an HTTP GET to the pod's own address.
type HTTPGetProbe struct {
	Port    uint16
	Path    string // "/" if empty
	Headers map[string]string
}

// Defaults of a Probe.
const (
	DefaultProbePeriod  = 10 * time.Second
	DefaultProbeTimeout = time.Second
	DefaultProbeFailure = 3
)

// WithDefaults returns p with zero fields set to their defaults.
func (p Probe) WithDefaults() Probe {
	if p.Period <= 0 {
		p.Period = DefaultProbePeriod
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultProbeTimeout
	}
	if p.SuccessThreshold <= 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold <= 0 {
		p.FailureThreshold = DefaultProbeFailure
	}
	return p
}

// Supervised reports whether the spec needs more than starting its
// containers once: init containers, restarts or probes.
func (s PodSpec) Supervised() bool {
	if len(s.InitContainers) > 0 {
		return true
	}
	for _, c := range s.Containers {
		if c.Restart != RestartNever || c.Liveness != nil || c.Readiness != nil || c.Startup != nil {
			return true
		}
	}
	return false
}

// AllContainers returns the init containers followed by the containers.
func (s PodSpec) AllContainers() []Container {
	if len(s.InitContainers) == 0 {
		return s.Containers
	}
	out := make([]Container, 0, len(s.InitContainers)+len(s.Containers))
	out = append(out, s.InitContainers...)
	return append(out, s.Containers...)
}

// Image names the image a container runs. Exactly one of Archive or Ref is
// set. Digest, when set, must match the image's manifest digest.
type Image struct {
	// Archive is a local OCI image: a tar (OCI layout or docker save format)
	// or an OCI layout directory. It is imported on Create/Update.
	Archive string
	// Ref is an image already imported into the runtime.
	Ref string
	// Digest is the expected manifest digest ("sha256:...").
	Digest string
}

// Port is a port the container listens on.
type Port struct {
	Name          string
	ContainerPort uint16
	Protocol      string // "tcp" (default) or "udp"
}

// Resources are a container's requests; the runtime enforces them as limits.
type Resources struct {
	// CPUMillis is the CPU share in millicores (1000 = one core), enforced
	// with a CFS quota. 0 means unlimited (and reserves nothing).
	CPUMillis uint64
	// MemoryMiB is the memory limit; the container is OOM-killed above it.
	MemoryMiB uint64
	// StorageMiB bounds the writable layer plus the pod's volumes.
	StorageMiB uint64
	// Pids bounds the number of processes and threads (0: runtime default).
	Pids uint64
	// GPUs is the number of whole GPUs.
	GPUs uint64
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{
		CPUMillis:  r.CPUMillis + o.CPUMillis,
		MemoryMiB:  r.MemoryMiB + o.MemoryMiB,
		StorageMiB: r.StorageMiB + o.StorageMiB,
		Pids:       r.Pids + o.Pids,
		GPUs:       r.GPUs + o.GPUs,
	}
}

// VolumeKind says where a volume's data lives and how long it is kept.
type VolumeKind string

const (
	// EmptyDir is scratch space on disk that lives as long as the pod's
	// containers: kept across stop/start, emptied by Update, removed on Delete.
	EmptyDir VolumeKind = "emptyDir"
	// Persistent is disk space kept across stop/start and Update; removed
	// only on Delete.
	Persistent VolumeKind = "persistent"
	// Secret is a set of files held in memory (tmpfs) and mounted read-only;
	// their bytes are never written to disk nor returned by List.
	Secret VolumeKind = "secret"
)

// Volume is storage that containers of the pod mount.
type Volume struct {
	Name string
	Kind VolumeKind
	// Files holds a Secret volume's content: file name → bytes.
	Files map[string][]byte
}

// Mount places a volume in a container.
type Mount struct {
	Volume   string
	Path     string // absolute path in the container
	ReadOnly bool
	// SubPath mounts one file or directory of the volume (relative, clean);
	// a missing directory of an emptyDir or persistent volume is created.
	SubPath string
}

// Resources returns the pod's total requests: the larger of its steady
// state (containers and sidecars) and the peak of its init phase (each init
// container with the sidecars started before it), as Kubernetes computes a
// pod's effective request.
func (s PodSpec) Resources() Resources {
	var steady, side, peak Resources
	for _, c := range s.Containers {
		steady = steady.Add(c.Resources)
	}
	for _, c := range s.InitContainers {
		if c.Sidecar {
			side = side.Add(c.Resources)
			continue
		}
		peak = maxResources(peak, side.Add(c.Resources))
	}
	return maxResources(steady.Add(side), peak)
}

func maxResources(a, b Resources) Resources {
	return Resources{
		CPUMillis:  max(a.CPUMillis, b.CPUMillis),
		MemoryMiB:  max(a.MemoryMiB, b.MemoryMiB),
		StorageMiB: max(a.StorageMiB, b.StorageMiB),
		Pids:       max(a.Pids, b.Pids),
		GPUs:       max(a.GPUs, b.GPUs),
	}
}

var (
	podIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,47}$`)
	nameRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	fileRe  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
)

// Limits a spec must stay within.
const (
	MaxContainers  = 16
	MaxVolumes     = 32
	MaxSecretBytes = 1 << 20 // per Secret volume
)

// Validate checks the spec's shape (not whether the host can run it). Errors
// wrap ErrInvalid.
func (s PodSpec) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("pod %q: %s: %w", s.ID, fmt.Sprintf(format, a...), ErrInvalid)
	}
	if !podIDRe.MatchString(s.ID) {
		return bad("id must match %s", podIDRe)
	}
	if s.Idle != IdleStop && s.Idle != IdleFreeze {
		return bad("idle mode %q is not %q or %q", s.Idle, IdleStop, IdleFreeze)
	}
	if len(s.Containers) == 0 || len(s.Containers) > MaxContainers {
		return bad("needs 1–%d containers", MaxContainers)
	}
	if len(s.Volumes) > MaxVolumes {
		return bad("at most %d volumes", MaxVolumes)
	}
	vols := map[string]Volume{}
	for _, v := range s.Volumes {
		if !nameRe.MatchString(v.Name) {
			return bad("volume name %q must match %s", v.Name, nameRe)
		}
		if _, dup := vols[v.Name]; dup {
			return bad("volume %q twice", v.Name)
		}
		switch v.Kind {
		case EmptyDir, Persistent:
			if len(v.Files) > 0 {
				return bad("volume %q: only secret volumes have files", v.Name)
			}
		case Secret:
			total := 0
			for name, b := range v.Files {
				if !fileRe.MatchString(name) || name == "." || name == ".." {
					return bad("secret %q: bad file name %q", v.Name, name)
				}
				total += len(b)
			}
			if total > MaxSecretBytes {
				return bad("secret %q: larger than %d bytes", v.Name, MaxSecretBytes)
			}
		default:
			return bad("volume %q: unknown kind %q", v.Name, v.Kind)
		}
		vols[v.Name] = v
	}
	if len(s.InitContainers)+len(s.Containers) > MaxContainers {
		return bad("needs 1–%d containers, init containers included", MaxContainers)
	}
	if len(s.Hostnames) > MaxHostnames {
		return bad("at most %d hostnames", MaxHostnames)
	}
	for _, h := range s.Hostnames {
		if len(h) > 253 || !hostRe.MatchString(h) {
			return bad("hostname %q is not a DNS name", h)
		}
	}
	names := map[string]bool{}
	for i, c := range s.AllContainers() {
		init := i < len(s.InitContainers)
		if err := s.validateContainer(c, init, names, vols); err != nil {
			return bad("%s", err)
		}
	}
	return nil
}

func (s PodSpec) validateContainer(c Container, init bool, names map[string]bool, vols map[string]Volume) error {
	if !nameRe.MatchString(c.Name) {
		return fmt.Errorf("container name %q must match %s", c.Name, nameRe)
	}
	if names[c.Name] {
		return fmt.Errorf("container %q twice", c.Name)
	}
	names[c.Name] = true
	if (c.Image.Archive == "") == (c.Image.Ref == "") {
		return fmt.Errorf("container %q: set exactly one of image archive or ref", c.Name)
	}
	if c.Image.Digest != "" && !strings.HasPrefix(c.Image.Digest, "sha256:") {
		return fmt.Errorf("container %q: digest must be sha256:...", c.Name)
	}
	for k := range c.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return fmt.Errorf("container %q: bad env name %q", c.Name, k)
		}
	}
	for _, k := range c.PodIPEnv {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			return fmt.Errorf("container %q: bad env name %q", c.Name, k)
		}
	}
	for _, p := range c.Ports {
		if p.ContainerPort == 0 || (p.Protocol != "" && p.Protocol != "tcp" && p.Protocol != "udp") {
			return fmt.Errorf("container %q: bad port %+v", c.Name, p)
		}
	}
	paths := map[string]bool{}
	for _, m := range c.Mounts {
		if _, ok := vols[m.Volume]; !ok {
			return fmt.Errorf("container %q mounts unknown volume %q", c.Name, m.Volume)
		}
		if !path.IsAbs(m.Path) || path.Clean(m.Path) != m.Path || m.Path == "/" {
			return fmt.Errorf("container %q: mount path %q must be absolute and clean", c.Name, m.Path)
		}
		if paths[m.Path] {
			return fmt.Errorf("container %q: two mounts at %q", c.Name, m.Path)
		}
		if m.SubPath != "" && (path.IsAbs(m.SubPath) || path.Clean(m.SubPath) != m.SubPath || m.SubPath == ".." || strings.HasPrefix(m.SubPath, "../")) {
			return fmt.Errorf("container %q: sub path %q must be relative and clean, inside the volume", c.Name, m.SubPath)
		}
		paths[m.Path] = true
	}
	switch c.Restart {
	case RestartNever, RestartOnFailure, RestartAlways:
	default:
		return fmt.Errorf("container %q: unknown restart policy %q", c.Name, c.Restart)
	}
	if c.Sidecar && !init {
		return fmt.Errorf("container %q: only an init container can be a sidecar", c.Name)
	}
	if init && !c.Sidecar && (c.Liveness != nil || c.Readiness != nil || c.Startup != nil) {
		return fmt.Errorf("container %q: an init container that runs to completion has no probes", c.Name)
	}
	if c.User != "" && (len(c.User) > 64 || !userRe.MatchString(c.User)) {
		return fmt.Errorf("container %q: user %q must be uid[:gid] or name[:group]", c.Name, c.User)
	}
	if c.ShmSizeMiB > 1<<20 {
		return fmt.Errorf("container %q: shm size too large", c.Name)
	}
	for _, cp := range c.CapDrop {
		if !capRe.MatchString(cp) {
			return fmt.Errorf("container %q: capability %q", c.Name, cp)
		}
	}
	for _, p := range []*Probe{c.Liveness, c.Readiness, c.Startup} {
		if err := p.validate(); err != nil {
			return fmt.Errorf("container %q: probe: %v", c.Name, err)
		}
	}
	return nil
}

var (
	hostRe = regexp.MustCompile(`^([a-zA-Z0-9_]([-a-zA-Z0-9_]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9_]([-a-zA-Z0-9_]{0,61}[a-zA-Z0-9])?$`)
	userRe = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`)
	capRe  = regexp.MustCompile(`^(CAP_)?[A-Z_]{2,32}$`)
)

// MaxHostnames bounds PodSpec.Hostnames.
const MaxHostnames = 128

func (p *Probe) validate() error {
	if p == nil {
		return nil
	}
	n := 0
	if len(p.Exec) > 0 {
		n++
	}
	if p.HTTPGet != nil {
		n++
		if p.HTTPGet.Port == 0 {
			return fmt.Errorf("http port is required")
		}
		if p.HTTPGet.Path != "" && !strings.HasPrefix(p.HTTPGet.Path, "/") {
			return fmt.Errorf("http path %q must start with /", p.HTTPGet.Path)
		}
	}
	if p.TCPPort != 0 {
		n++
	}
	if n != 1 {
		return fmt.Errorf("exactly one of exec, http or tcp is required")
	}
	if p.InitialDelay < 0 || p.Period < 0 || p.Timeout < 0 || p.InitialDelay > time.Hour || p.Period > time.Hour || p.Timeout > time.Hour {
		return fmt.Errorf("durations must be 0..1h")
	}
	if p.SuccessThreshold < 0 || p.FailureThreshold < 0 || p.SuccessThreshold > 1000 || p.FailureThreshold > 1000 {
		return fmt.Errorf("thresholds must be 0..1000")
	}
	return nil
}

// WithoutSecrets returns a copy of the spec whose secret volumes hold file
// names but no bytes, safe to persist and to return from List.
func (s PodSpec) WithoutSecrets() PodSpec {
	out := s
	out.Volumes = make([]Volume, len(s.Volumes))
	for i, v := range s.Volumes {
		out.Volumes[i] = v
		if v.Kind == Secret {
			files := make(map[string][]byte, len(v.Files))
			for name := range v.Files {
				files[name] = nil
			}
			out.Volumes[i].Files = files
		}
	}
	return out
}
