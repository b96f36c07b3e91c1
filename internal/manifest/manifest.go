// Package manifest holds the pod model of Trusted Pods: one normalized Pod
// loaded from the project's own YAML format, a Kubernetes Pod or Deployment,
// or a Docker Compose file; its validation, its canonical form and the hash
// that identifies the workload. The format is specified in docs/manifest.md.
package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/trustedpods/tpod/internal/duration"
	"github.com/trustedpods/tpod/internal/usage"
)

// APIVersion and Kind identify the project's own manifest format.
const (
	APIVersion = "tpod.dev/v1"
	Kind       = "Pod"
)

// MaxSize is the largest manifest Load accepts, in bytes.
const MaxSize = 1 << 20

// ErrInvalid marks a manifest that cannot be loaded or does not validate.
var ErrInvalid = errors.New("invalid manifest")

// Expose values of a Port.
const (
	ExposeNone = ""     // reachable only inside the pod
	ExposeHTTP = "http" // routed by Host through the provider's HTTP gateway
	ExposeTCP  = "tcp"  // a raw TCP port on the provider
)

// Pod is the normalized model every input format loads into. Quantities are
// integers in fixed units so that Canonical is stable.
type Pod struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	// InitContainers run in order before Containers start: each to
	// completion, or, for a Sidecar, started and kept running.
	InitContainers []Container `json:"initContainers,omitempty"`
	Containers     []Container `json:"containers"`
	Volumes        []Volume    `json:"volumes,omitempty"`
	// Hostnames resolve to the pod's own address inside the pod: Compose
	// service names and aliases, Kubernetes Service and container names.
	Hostnames []string `json:"hostnames,omitempty"`
	Scale     Scale    `json:"scale"`

	// Warnings are what the loader accepted but changed or ignored; not
	// part of the canonical form.
	Warnings []Warning `json:"-"`
	// FileSecrets holds the values of secrets the input file itself defines
	// (Kubernetes Secret objects, Compose secrets from a file or the
	// environment), by bundle secret name. The bundle builder uses them for
	// names not given with --secret. Never serialized.
	FileSecrets map[string][]byte `json:"-"`
}

// Container is one process of the pod.
type Container struct {
	Name string `json:"name"`
	// Image is the image reference as written in the manifest. The bundle
	// carries an image for every distinct reference.
	Image string `json:"image"`
	// ImageDigest pins the image's manifest ("sha256:..."); the bundle builder
	// sets it, so the hash of a bundled manifest covers its images.
	ImageDigest  string        `json:"imageDigest,omitempty"`
	Command      []string      `json:"command,omitempty"`
	Args         []string      `json:"args,omitempty"`
	WorkingDir   string        `json:"workingDir,omitempty"`
	Env          []EnvVar      `json:"env,omitempty"`
	Ports        []Port        `json:"ports,omitempty"`
	Resources    Resources     `json:"resources"`
	VolumeMounts []VolumeMount `json:"volumeMounts,omitempty"`

	// Restart is RestartNever (""), RestartOnFailure or RestartAlways.
	Restart string `json:"restart,omitempty"`
	// Sidecar marks an init container that keeps running.
	Sidecar bool `json:"sidecar,omitempty"`
	// User is "uid[:gid]" or "name[:group]" from the image.
	User           string   `json:"user,omitempty"`
	ShmSizeMiB     uint64   `json:"shmSizeMiB,omitempty"`
	ReadOnlyRootFS bool     `json:"readOnlyRootFilesystem,omitempty"`
	CapDrop        []string `json:"capDrop,omitempty"`
	Liveness       *Probe   `json:"livenessProbe,omitempty"`
	Readiness      *Probe   `json:"readinessProbe,omitempty"`
	Startup        *Probe   `json:"startupProbe,omitempty"`
}

// Restart policies of a container.
const (
	RestartNever     = ""
	RestartOnFailure = "on-failure"
	RestartAlways    = "always"
)

// Probe checks a container: exactly one of Exec, HTTPGet or TCPPort.
// Zero values take the Kubernetes defaults (docs/runtime.md).
type Probe struct {
	Exec             []string      `json:"exec,omitempty"`
	HTTPGet          *HTTPGetProbe `json:"httpGet,omitempty"`
	TCPPort          uint16        `json:"tcpPort,omitempty"`
	InitialDelay     Duration      `json:"initialDelay,omitempty"`
	Period           Duration      `json:"period,omitempty"`
	Timeout          Duration      `json:"timeout,omitempty"`
	SuccessThreshold int           `json:"successThreshold,omitempty"`
	FailureThreshold int           `json:"failureThreshold,omitempty"`
}

// HTTPGetProbe is a GET to the pod's own address.
type HTTPGetProbe struct {
	Port    uint16   `json:"port"`
	Path    string   `json:"path,omitempty"`
	Headers []EnvVar `json:"headers,omitempty"`
}

// EnvVar is one environment variable; order is kept. Secret, when set,
// names a bundle secret whose value replaces Value when the pod runs;
// FieldRef FieldPodIP sets the pod's address.
type EnvVar struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Secret   string `json:"secret,omitempty"`
	FieldRef string `json:"fieldRef,omitempty"`
}

// FieldPodIP is the EnvVar.FieldRef of the pod's own address.
const FieldPodIP = "status.podIP"

// Port is a port a container listens on.
type Port struct {
	Name          string   `json:"name,omitempty"`
	ContainerPort uint16   `json:"containerPort"`
	Protocol      string   `json:"protocol"`         // "TCP" or "UDP"
	Expose        string   `json:"expose,omitempty"` // ExposeNone, ExposeHTTP or ExposeTCP
	Hostnames     []string `json:"hostnames,omitempty"`
}

// Resources are what a container reserves; the provider enforces them as
// limits (the project's one resources type).
type Resources = usage.Resources

// VolumeMount mounts a volume of the pod into a container.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
	// SubPath mounts one file or directory of the volume instead of all of it.
	SubPath string `json:"subPath,omitempty"`
}

// Volume is exactly one of EmptyDir, Persistent, Secret or Config.
type Volume struct {
	Name       string            `json:"name"`
	EmptyDir   *EmptyDirVolume   `json:"emptyDir,omitempty"`
	Persistent *PersistentVolume `json:"persistent,omitempty"`
	Secret     *SecretVolume     `json:"secret,omitempty"`
	Config     *ConfigVolume     `json:"config,omitempty"`
}

// ConfigVolume mounts a read-only directory of files whose content the
// manifest carries (Kubernetes ConfigMaps, Compose configs).
type ConfigVolume struct {
	Files []ConfigFile `json:"files"`
}

// ConfigFile is one file of a ConfigVolume.
type ConfigFile struct {
	Path string `json:"path"` // relative, clean
	Data string `json:"data"`
}

// EmptyDirVolume is scratch space that lives as long as the pod runs.
type EmptyDirVolume struct {
	SizeMiB uint64 `json:"sizeMiB"`
}

// PersistentVolume is storage kept across restarts and scale to zero.
type PersistentVolume struct {
	SizeMiB uint64 `json:"sizeMiB"`
}

// SecretVolume mounts a read-only directory holding one file per named
// secret of the bundle (named after it), and one per item (named Path).
type SecretVolume struct {
	Secrets []string     `json:"secrets,omitempty"`
	Items   []SecretItem `json:"items,omitempty"`
}

// SecretItem places bundle secret Secret at Path in a secret volume.
type SecretItem struct {
	Secret string `json:"secret"`
	Path   string `json:"path"`
}

// Scale says whether the pod may scale to zero and how many replicas it may have.
type Scale struct {
	Min         int      `json:"min"` // 0 or 1
	Max         int      `json:"max"`
	IdleTimeout Duration `json:"idleTimeout"`
	// Idle is how a pod with min 0 rests while scaled to zero: IdleStop
	// ("stop", the default) or IdleFreeze ("freeze"). Written only when
	// set, so that the canonical form of older manifests is unchanged.
	Idle string `json:"idle,omitempty"`
}

// Idle modes of a pod scaled to zero (docs/manifest.md § Scale to zero).
const (
	// IdleStop ends the pod's processes: nothing but storage is billed, and
	// a wake starts them again.
	IdleStop = "stop"
	// IdleFreeze freezes them in memory: memory stays reserved and billed,
	// CPU is released, and a wake thaws them at once.
	IdleFreeze = "freeze"
)

// Duration is a time.Duration written as a Go duration string ("5m0s"),
// read from one or from a number of seconds (the project's one duration
// type).
type Duration = duration.Duration

// Defaults applied by every loader.
const (
	DefaultCPUMilli    = 100
	DefaultMemoryMiB   = 128
	DefaultIdleTimeout = Duration(5 * time.Minute)
)

// Totals is the sum of the resources the pod reserves while it runs.
// StorageMiB adds the containers' writable layers, emptyDir and persistent
// volume sizes.
type Totals struct {
	CPUMilli   uint64 `json:"cpuMilli"`
	MemoryMiB  uint64 `json:"memoryMiB"`
	StorageMiB uint64 `json:"storageMiB"`
	GPUMilli   uint64 `json:"gpuMilli"`
	// PersistentMiB is the part of StorageMiB kept while the pod is scaled to zero.
	PersistentMiB uint64 `json:"persistentMiB"`
}

// Reserved is t without PersistentMiB.
func (t Totals) Reserved() Resources {
	return Resources{CPUMilli: t.CPUMilli, MemoryMiB: t.MemoryMiB, StorageMiB: t.StorageMiB, GPUMilli: t.GPUMilli}
}

// Totals sums the pod's resources.
func (p *Pod) Totals() Totals {
	// Steady state: containers and sidecars. Init containers run one at a
	// time beside the sidecars started before them: the pod reserves the
	// larger of the two (as Kubernetes computes a pod's effective request).
	var steady, side, peak Resources
	for _, c := range p.Containers {
		steady = steady.Add(c.Resources)
	}
	for _, c := range p.InitContainers {
		if c.Sidecar {
			side = side.Add(c.Resources)
		} else {
			peak = peak.Max(side.Add(c.Resources))
		}
	}
	r := steady.Add(side).Max(peak)
	t := Totals{CPUMilli: r.CPUMilli, MemoryMiB: r.MemoryMiB, StorageMiB: r.StorageMiB, GPUMilli: r.GPUMilli}
	for _, v := range p.Volumes {
		switch {
		case v.EmptyDir != nil:
			t.StorageMiB += v.EmptyDir.SizeMiB
		case v.Persistent != nil:
			t.StorageMiB += v.Persistent.SizeMiB
			t.PersistentMiB += v.Persistent.SizeMiB
		}
	}
	return t
}

// ReservedRate is how much each reserved counter of the usage vector advances
// per second while the pod runs (one replica): cpu millicore·s, memory MiB·s,
// storage MiB·s, GPU milliGPU·s. The "used" counters are zero.
func (t Totals) ReservedRate() usage.Vector {
	var v usage.Vector
	v[usage.CPUReserved] = t.CPUMilli
	v[usage.MemoryReserved] = t.MemoryMiB
	v[usage.StorageReserved] = t.StorageMiB
	v[usage.GPUReserved] = t.GPUMilli
	return v
}

// Canonical returns the normalized pod as compact JSON with fields in a fixed
// order. Two manifests that mean the same pod have the same canonical form.
func (p *Pod) Canonical() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		panic("manifest: canonical encoding: " + err.Error()) // only plain types: cannot fail
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Hash is SHA-256 of the canonical form: the workload identity.
func (p *Pod) Hash() [32]byte {
	return sha256.Sum256(p.Canonical())
}

// Images returns the distinct image references of the containers, in order.
func (p *Pod) Images() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range p.AllContainers() {
		if !seen[c.Image] {
			seen[c.Image] = true
			out = append(out, c.Image)
		}
	}
	return out
}

// Secrets returns the distinct bundle secret names the volumes and the
// environment use, in order.
func (p *Pod) Secrets() []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, v := range p.Volumes {
		if v.Secret == nil {
			continue
		}
		for _, s := range v.Secret.Secrets {
			add(s)
		}
		for _, it := range v.Secret.Items {
			add(it.Secret)
		}
	}
	for _, c := range p.AllContainers() {
		for _, e := range c.Env {
			add(e.Secret)
		}
	}
	return out
}

// AllContainers returns the init containers followed by the containers.
func (p *Pod) AllContainers() []Container {
	if len(p.InitContainers) == 0 {
		return p.Containers
	}
	return append(append([]Container{}, p.InitContainers...), p.Containers...)
}

// ParseCanonical reads a pod from its canonical JSON (as stored in a bundle)
// and validates it.
func ParseCanonical(data []byte) (*Pod, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalid, MaxSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Pod
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}
