package runtime

import (
	"fmt"
	"path"
	"regexp"
	"strings"
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
	Labels     map[string]string
	Containers []Container
	Volumes    []Volume
}

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
	Env       map[string]string
	WorkDir   string
	Ports     []Port
	Resources Resources
	Mounts    []Mount
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
}

// Resources returns the pod's total requests.
func (s PodSpec) Resources() Resources {
	var r Resources
	for _, c := range s.Containers {
		r = r.Add(c.Resources)
	}
	return r
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
	names := map[string]bool{}
	for _, c := range s.Containers {
		if !nameRe.MatchString(c.Name) {
			return bad("container name %q must match %s", c.Name, nameRe)
		}
		if names[c.Name] {
			return bad("container %q twice", c.Name)
		}
		names[c.Name] = true
		if (c.Image.Archive == "") == (c.Image.Ref == "") {
			return bad("container %q: set exactly one of image archive or ref", c.Name)
		}
		if c.Image.Digest != "" && !strings.HasPrefix(c.Image.Digest, "sha256:") {
			return bad("container %q: digest must be sha256:...", c.Name)
		}
		for k := range c.Env {
			if k == "" || strings.ContainsAny(k, "=\x00") {
				return bad("container %q: bad env name %q", c.Name, k)
			}
		}
		for _, p := range c.Ports {
			if p.ContainerPort == 0 || (p.Protocol != "" && p.Protocol != "tcp" && p.Protocol != "udp") {
				return bad("container %q: bad port %+v", c.Name, p)
			}
		}
		paths := map[string]bool{}
		for _, m := range c.Mounts {
			if _, ok := vols[m.Volume]; !ok {
				return bad("container %q mounts unknown volume %q", c.Name, m.Volume)
			}
			if !path.IsAbs(m.Path) || path.Clean(m.Path) != m.Path || m.Path == "/" {
				return bad("container %q: mount path %q must be absolute and clean", c.Name, m.Path)
			}
			if paths[m.Path] {
				return bad("container %q: two mounts at %q", c.Name, m.Path)
			}
			paths[m.Path] = true
		}
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
