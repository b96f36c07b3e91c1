package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// yamlUnmarshal decodes YAML (or JSON) through its JSON form. sigs.k8s.io/yaml
// rejects duplicate keys, and the JSON form keeps nothing YAML-specific
// (anchors are expanded, tags refused by the conversion).
func yamlUnmarshal(data []byte, v any) error {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return err
	}
	return json.Unmarshal(j, v)
}

// yamlStrict is yamlUnmarshal that refuses unknown fields.
func yamlStrict(data []byte, v any) error {
	j, err := yaml.YAMLToJSONStrict(data)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	return nil
}

// tpodFile is the project's own YAML format (docs/manifest.md).
type tpodFile struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		InitContainers []tpodContainer `json:"initContainers"`
		Containers     []tpodContainer `json:"containers"`
		Volumes        []tpodVolume    `json:"volumes"`
		Hostnames      []string        `json:"hostnames"`
		Scale          struct {
			Min         *int   `json:"min"`
			Max         int    `json:"max"`
			IdleTimeout string `json:"idleTimeout"`
			Idle        string `json:"idle"`
		} `json:"scale"`
	} `json:"spec"`
}

type tpodContainer struct {
	Name         string        `json:"name"`
	Image        string        `json:"image"`
	Command      []string      `json:"command"`
	Args         []string      `json:"args"`
	WorkingDir   string        `json:"workingDir"`
	Env          []EnvVar      `json:"env"`
	Ports        []tpodPort    `json:"ports"`
	Resources    tpodResources `json:"resources"`
	VolumeMounts []VolumeMount `json:"volumeMounts"`

	Restart        string   `json:"restart"`
	Sidecar        bool     `json:"sidecar"`
	User           string   `json:"user"`
	ShmSize        quantity `json:"shmSize"`
	ReadOnlyRootFS bool     `json:"readOnlyRootFilesystem"`
	CapDrop        []string `json:"capDrop"`
	Liveness       *Probe   `json:"livenessProbe"`
	Readiness      *Probe   `json:"readinessProbe"`
	Startup        *Probe   `json:"startupProbe"`
}

type tpodPort struct {
	Name          string   `json:"name"`
	ContainerPort int      `json:"containerPort"`
	Protocol      string   `json:"protocol"`
	Expose        string   `json:"expose"`
	Hostnames     []string `json:"hostnames"`
}

type tpodResources struct {
	CPU     quantity `json:"cpu"`
	Memory  quantity `json:"memory"`
	Storage quantity `json:"storage"`
	GPU     quantity `json:"gpu"`
}

type tpodVolume struct {
	Name     string `json:"name"`
	EmptyDir *struct {
		SizeLimit quantity `json:"sizeLimit"`
	} `json:"emptyDir"`
	Persistent *struct {
		Size quantity `json:"size"`
	} `json:"persistent"`
	Secret *SecretVolume `json:"secret"`
	Config *ConfigVolume `json:"config"`
}

// quantity is a Kubernetes quantity written as a string or a number.
type quantity string

func (q *quantity) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*q = quantity(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("quantity must be a string or a number")
	}
	*q = quantity(n.String())
	return nil
}

// parseQuantity parses a Kubernetes quantity; empty is zero.
func parseQuantity(s string) (resource.Quantity, error) {
	if s == "" {
		return resource.Quantity{}, nil
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return q, fmt.Errorf("%q is not a quantity", s)
	}
	if q.Sign() < 0 {
		return q, fmt.Errorf("%q is negative", s)
	}
	return q, nil
}

// milli parses a quantity into thousandths (cpu "500m" → 500, gpu "1" → 1000).
func milli(path, s string) (uint64, error) {
	q, err := parseQuantity(s)
	if err != nil {
		return 0, fieldErr(path, "%v", err)
	}
	if q.Cmp(resource.MustParse("1T")) > 0 {
		return 0, fieldErr(path, "too large")
	}
	return uint64(q.MilliValue()), nil
}

// mebibytes parses a byte quantity into MiB, rounding up.
func mebibytes(path, s string) (uint64, error) {
	q, err := parseQuantity(s)
	if err != nil {
		return 0, fieldErr(path, "%v", err)
	}
	if q.Cmp(resource.MustParse("1Pi")) > 0 {
		return 0, fieldErr(path, "too large")
	}
	b := uint64(q.Value())
	return (b + (1<<20 - 1)) >> 20, nil
}

// loadTpod reads the project's own format (strictly: an unknown field is
// an error, so a typo is never silently ignored).
func loadTpod(d *diag, data []byte) (*Pod, error) {
	var f tpodFile
	if err := yamlStrict(data, &f); err != nil {
		msg := yamlError(err).Error()
		path := ""
		if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
			path = d.pos.findKey(0, m[1])
			msg = "unknown field " + strconvQuote(m[1])
		}
		d.bad(0, path, "%s", msg)
		return nil, d.err()
	}
	p, err := tpodModel(&f)
	if ve, ok := err.(*ValidationError); ok {
		for _, fe := range ve.Errors {
			d.bad(0, fe.Path, "%s", fe.Reason)
		}
		return nil, d.err()
	}
	return p, err
}

var unknownFieldRe = regexp.MustCompile(`unknown field "([^"]+)"`)

func strconvQuote(s string) string { return strconv.Quote(s) }

func tpodModel(f *tpodFile) (*Pod, error) {
	p := &Pod{Name: f.Metadata.Name, Hostnames: f.Spec.Hostnames}
	for i, c := range f.Spec.InitContainers {
		out, err := tpodContainerModel(fmt.Sprintf("spec.initContainers[%d]", i), c)
		if err != nil {
			return nil, err
		}
		p.InitContainers = append(p.InitContainers, out)
	}
	for i, c := range f.Spec.Containers {
		out, err := tpodContainerModel(fmt.Sprintf("spec.containers[%d]", i), c)
		if err != nil {
			return nil, err
		}
		p.Containers = append(p.Containers, out)
	}
	return tpodVolumesScale(f, p)
}

func tpodContainerModel(cp string, c tpodContainer) (Container, error) {
	{
		out := Container{
			Name: c.Name, Image: c.Image, Command: c.Command, Args: c.Args,
			WorkingDir: c.WorkingDir, Env: c.Env, VolumeMounts: c.VolumeMounts,
			Restart: c.Restart, Sidecar: c.Sidecar, User: c.User, ReadOnlyRootFS: c.ReadOnlyRootFS,
			CapDrop: c.CapDrop, Liveness: c.Liveness, Readiness: c.Readiness, Startup: c.Startup,
		}
		shm, err := mebibytes(cp+".shmSize", string(c.ShmSize))
		if err != nil {
			return out, err
		}
		out.ShmSizeMiB = shm
		for j, pt := range c.Ports {
			if pt.ContainerPort < 1 || pt.ContainerPort > 65535 {
				return out, fieldErr(fmt.Sprintf("%s.ports[%d].containerPort", cp, j), "must be 1..65535")
			}
			out.Ports = append(out.Ports, Port{
				Name: pt.Name, ContainerPort: uint16(pt.ContainerPort), Protocol: pt.Protocol,
				Expose: pt.Expose, Hostnames: pt.Hostnames,
			})
		}
		r := &out.Resources
		if r.CPUMilli, err = milli(cp+".resources.cpu", string(c.Resources.CPU)); err != nil {
			return out, err
		}
		if r.MemoryMiB, err = mebibytes(cp+".resources.memory", string(c.Resources.Memory)); err != nil {
			return out, err
		}
		if r.StorageMiB, err = mebibytes(cp+".resources.storage", string(c.Resources.Storage)); err != nil {
			return out, err
		}
		if r.GPUMilli, err = milli(cp+".resources.gpu", string(c.Resources.GPU)); err != nil {
			return out, err
		}
		return out, nil
	}
}

func tpodVolumesScale(f *tpodFile, p *Pod) (*Pod, error) {
	for i, v := range f.Spec.Volumes {
		vp := fmt.Sprintf("spec.volumes[%d]", i)
		out := Volume{Name: v.Name}
		if v.EmptyDir != nil {
			n, err := mebibytes(vp+".emptyDir.sizeLimit", string(v.EmptyDir.SizeLimit))
			if err != nil {
				return nil, err
			}
			out.EmptyDir = &EmptyDirVolume{SizeMiB: n}
		}
		if v.Persistent != nil {
			n, err := mebibytes(vp+".persistent.size", string(v.Persistent.Size))
			if err != nil {
				return nil, err
			}
			out.Persistent = &PersistentVolume{SizeMiB: n}
		}
		out.Secret, out.Config = v.Secret, v.Config
		p.Volumes = append(p.Volumes, out)
	}
	s := f.Spec.Scale
	p.Scale.Min = 1
	if s.Min != nil {
		p.Scale.Min = *s.Min
	}
	p.Scale.Max = s.Max
	if s.IdleTimeout != "" {
		d, err := parseDuration(s.IdleTimeout)
		if err != nil {
			return nil, fieldErr("spec.scale.idleTimeout", "%v", err)
		}
		p.Scale.IdleTimeout = Duration(d)
	}
	p.Scale.Idle = s.Idle
	return p, nil
}

// parseDuration reads a Go duration ("90s", "5m") or plain seconds ("300").
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration like 5m or 90s", s)
	}
	return d, nil
}
