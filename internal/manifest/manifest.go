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
	"strings"
	"time"

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
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Name       string      `json:"name"`
	Containers []Container `json:"containers"`
	Volumes    []Volume    `json:"volumes,omitempty"`
	Scale      Scale       `json:"scale"`
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
}

// EnvVar is one environment variable; order is kept.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Port is a port a container listens on.
type Port struct {
	Name          string   `json:"name,omitempty"`
	ContainerPort uint16   `json:"containerPort"`
	Protocol      string   `json:"protocol"`         // "TCP" or "UDP"
	Expose        string   `json:"expose,omitempty"` // ExposeNone, ExposeHTTP or ExposeTCP
	Hostnames     []string `json:"hostnames,omitempty"`
}

// Resources are what a container reserves; the provider enforces them as limits.
type Resources struct {
	CPUMilli   uint64 `json:"cpuMilli"`   // millicores
	MemoryMiB  uint64 `json:"memoryMiB"`  // MiB
	StorageMiB uint64 `json:"storageMiB"` // writable layer, MiB
	GPUMilli   uint64 `json:"gpuMilli"`   // thousandths of a GPU
}

// VolumeMount mounts a volume of the pod into a container.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
}

// Volume is exactly one of EmptyDir, Persistent or Secret.
type Volume struct {
	Name       string            `json:"name"`
	EmptyDir   *EmptyDirVolume   `json:"emptyDir,omitempty"`
	Persistent *PersistentVolume `json:"persistent,omitempty"`
	Secret     *SecretVolume     `json:"secret,omitempty"`
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
// secret of the bundle.
type SecretVolume struct {
	Secrets []string `json:"secrets"`
}

// Scale says whether the pod may scale to zero and how many replicas it may have.
type Scale struct {
	Min         int      `json:"min"` // 0 or 1
	Max         int      `json:"max"`
	IdleTimeout Duration `json:"idleTimeout"`
}

// Duration is a time.Duration written as a Go duration string ("5m0s").
type Duration time.Duration

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return fmt.Errorf("duration must be a string like \"5m\" or seconds")
		}
		*d = Duration(time.Duration(n) * time.Second)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

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

// Totals sums the pod's resources.
func (p *Pod) Totals() Totals {
	var t Totals
	for _, c := range p.Containers {
		t.CPUMilli += c.Resources.CPUMilli
		t.MemoryMiB += c.Resources.MemoryMiB
		t.StorageMiB += c.Resources.StorageMiB
		t.GPUMilli += c.Resources.GPUMilli
	}
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
	for _, c := range p.Containers {
		if !seen[c.Image] {
			seen[c.Image] = true
			out = append(out, c.Image)
		}
	}
	return out
}

// Secrets returns the distinct secret names the volumes use, in order.
func (p *Pod) Secrets() []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range p.Volumes {
		if v.Secret == nil {
			continue
		}
		for _, s := range v.Secret.Secrets {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
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
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Format is an input format Load recognizes.
type Format string

// Input formats.
const (
	FormatTpod       Format = "tpod"
	FormatKubernetes Format = "kubernetes"
	FormatCompose    Format = "compose"
)

// Load reads a manifest in any supported format, normalizes and validates it.
// filename is used only for error messages and format hints
// (compose.yaml / docker-compose.yml).
func Load(data []byte, filename string) (*Pod, error) {
	p, _, err := LoadFormat(data, filename)
	return p, err
}

// LoadFormat is Load that also reports the detected format.
func LoadFormat(data []byte, filename string) (*Pod, Format, error) {
	if len(data) > MaxSize {
		return nil, "", fmt.Errorf("%w: %s: larger than %d bytes", ErrInvalid, filename, MaxSize)
	}
	f, err := detect(data, filename)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %s: %v", ErrInvalid, filename, err)
	}
	var p *Pod
	switch f {
	case FormatTpod:
		p, err = loadTpod(data)
	case FormatKubernetes:
		p, err = loadKube(data)
	case FormatCompose:
		p, err = loadCompose(data, filename)
	}
	if err != nil {
		return nil, f, fmt.Errorf("%w: %s: %v", ErrInvalid, filename, err)
	}
	normalize(p)
	if err := p.Validate(); err != nil {
		return nil, f, fmt.Errorf("%s: %w", filename, err)
	}
	return p, f, nil
}

// detect looks at apiVersion/kind or at Compose's services key.
func detect(data []byte, filename string) (Format, error) {
	var head struct {
		APIVersion string         `json:"apiVersion"`
		Kind       string         `json:"kind"`
		Services   map[string]any `json:"services"`
	}
	if err := yamlUnmarshal(data, &head); err != nil {
		return "", err
	}
	switch {
	case head.APIVersion == APIVersion:
		if head.Kind != Kind {
			return "", fmt.Errorf("kind: %q is not %q", head.Kind, Kind)
		}
		return FormatTpod, nil
	case head.APIVersion == "v1" && head.Kind == "Pod",
		head.APIVersion == "apps/v1" && head.Kind == "Deployment":
		return FormatKubernetes, nil
	case head.APIVersion != "":
		return "", fmt.Errorf("apiVersion %q kind %q: not supported (want %s Pod, v1 Pod, apps/v1 Deployment or a Compose file)", head.APIVersion, head.Kind, APIVersion)
	case head.Services != nil:
		return FormatCompose, nil
	}
	base := filename[strings.LastIndex(filename, "/")+1:]
	if strings.Contains(base, "compose") {
		return FormatCompose, nil
	}
	return "", fmt.Errorf("unknown format: no apiVersion and no services")
}

// normalize fills defaults and canonical spellings before validation.
func normalize(p *Pod) {
	p.APIVersion, p.Kind = APIVersion, Kind
	for i := range p.Containers {
		c := &p.Containers[i]
		if c.Resources.CPUMilli == 0 {
			c.Resources.CPUMilli = DefaultCPUMilli
		}
		if c.Resources.MemoryMiB == 0 {
			c.Resources.MemoryMiB = DefaultMemoryMiB
		}
		for j := range c.Ports {
			pt := &c.Ports[j]
			pt.Protocol = strings.ToUpper(pt.Protocol)
			if pt.Protocol == "" {
				pt.Protocol = "TCP"
			}
			pt.Expose = strings.ToLower(pt.Expose)
			for k, h := range pt.Hostnames {
				pt.Hostnames[k] = strings.ToLower(strings.TrimSuffix(h, "."))
			}
		}
	}
	if p.Scale.Max == 0 {
		p.Scale.Max = 1
	}
	if p.Scale.IdleTimeout == 0 {
		p.Scale.IdleTimeout = DefaultIdleTimeout
	}
}
