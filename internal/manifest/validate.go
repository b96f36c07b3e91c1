package manifest

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
)

// FieldError is one validation failure: the field path in the normalized
// model (docs/manifest.md) and the reason.
type FieldError struct {
	Path   string
	Reason string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Reason }

// ValidationError lists every failure found; it matches ErrInvalid.
type ValidationError struct {
	Errors []*FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid manifest: ")
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Limits of the model.
const (
	MaxContainers   = 16
	MaxVolumes      = 32
	MaxPorts        = 32
	MaxEnv          = 256
	MaxHostnames    = 16
	MaxScale        = 64
	MaxArgBytes     = 64 << 10
	MaxSecretsInVol = 64
)

var (
	dnsLabel    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	hostnameRe  = regexp.MustCompile(`^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	secretName  = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,126}[A-Za-z0-9])?$`)
	imageRefRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$`)
	digestRe    = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	maxResource = uint64(1) << 40
)

// Validate checks the pod and returns a *ValidationError naming every bad
// field, or nil.
func (p *Pod) Validate() error {
	var errs []*FieldError
	bad := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
	}
	if p.APIVersion != APIVersion {
		bad("apiVersion", "must be %q", APIVersion)
	}
	if p.Kind != Kind {
		bad("kind", "must be %q", Kind)
	}
	if !dnsLabel.MatchString(p.Name) {
		bad("metadata.name", "must be a DNS label (lowercase letters, digits, '-', at most 63)")
	}
	if len(p.Containers) == 0 {
		bad("spec.containers", "at least one container is required")
	}
	if len(p.Containers) > MaxContainers {
		bad("spec.containers", "at most %d containers", MaxContainers)
	}
	if len(p.Volumes) > MaxVolumes {
		bad("spec.volumes", "at most %d volumes", MaxVolumes)
	}

	volumes := map[string]bool{}
	for i, v := range p.Volumes {
		vp := fmt.Sprintf("spec.volumes[%d]", i)
		if !dnsLabel.MatchString(v.Name) {
			bad(vp+".name", "must be a DNS label")
		} else if volumes[v.Name] {
			bad(vp+".name", "duplicate volume %q", v.Name)
		}
		volumes[v.Name] = true
		n := 0
		if v.EmptyDir != nil {
			n++
			if v.EmptyDir.SizeMiB > maxResource {
				bad(vp+".emptyDir.sizeMiB", "too large")
			}
		}
		if v.Persistent != nil {
			n++
			if v.Persistent.SizeMiB == 0 {
				bad(vp+".persistent.size", "must be greater than zero")
			} else if v.Persistent.SizeMiB > maxResource {
				bad(vp+".persistent.size", "too large")
			}
		}
		if v.Secret != nil {
			n++
			if len(v.Secret.Secrets) == 0 {
				bad(vp+".secret.secrets", "at least one secret name is required")
			}
			if len(v.Secret.Secrets) > MaxSecretsInVol {
				bad(vp+".secret.secrets", "at most %d", MaxSecretsInVol)
			}
			seen := map[string]bool{}
			for j, s := range v.Secret.Secrets {
				if !secretName.MatchString(s) {
					bad(fmt.Sprintf("%s.secret.secrets[%d]", vp, j), "%q is not a valid secret name (letters, digits, '-', '_', '.')", s)
				} else if seen[s] {
					bad(fmt.Sprintf("%s.secret.secrets[%d]", vp, j), "duplicate secret %q", s)
				}
				seen[s] = true
			}
		}
		if n != 1 {
			bad(vp, "exactly one of emptyDir, persistent or secret is required")
		}
	}

	containers := map[string]bool{}
	type portKey struct {
		port  uint16
		proto string
	}
	ports := map[portKey]string{}
	hosts := map[string]string{}
	for i, c := range p.Containers {
		cp := fmt.Sprintf("spec.containers[%d]", i)
		if !dnsLabel.MatchString(c.Name) {
			bad(cp+".name", "must be a DNS label")
		} else if containers[c.Name] {
			bad(cp+".name", "duplicate container %q", c.Name)
		}
		containers[c.Name] = true
		if c.Image == "" {
			bad(cp+".image", "is required")
		} else if len(c.Image) > 512 || !imageRefRe.MatchString(c.Image) {
			bad(cp+".image", "%q is not an image reference", c.Image)
		}
		if c.ImageDigest != "" && !digestRe.MatchString(c.ImageDigest) {
			bad(cp+".imageDigest", "must be sha256:<64 hex>")
		}
		size := 0
		for _, s := range c.Command {
			size += len(s)
		}
		for _, s := range c.Args {
			size += len(s)
		}
		if size > MaxArgBytes {
			bad(cp+".command", "command and args exceed %d bytes", MaxArgBytes)
		}
		if c.WorkingDir != "" && !path.IsAbs(c.WorkingDir) {
			bad(cp+".workingDir", "must be an absolute path")
		}
		if len(c.Env) > MaxEnv {
			bad(cp+".env", "at most %d variables", MaxEnv)
		}
		envs := map[string]bool{}
		for j, e := range c.Env {
			if !envName.MatchString(e.Name) {
				bad(fmt.Sprintf("%s.env[%d].name", cp, j), "%q is not a valid variable name", e.Name)
			} else if envs[e.Name] {
				bad(fmt.Sprintf("%s.env[%d].name", cp, j), "duplicate variable %q", e.Name)
			}
			envs[e.Name] = true
			if strings.ContainsRune(e.Value, 0) {
				bad(fmt.Sprintf("%s.env[%d].value", cp, j), "contains a NUL byte")
			}
		}
		if len(c.Ports) > MaxPorts {
			bad(cp+".ports", "at most %d ports", MaxPorts)
		}
		for j, pt := range c.Ports {
			pp := fmt.Sprintf("%s.ports[%d]", cp, j)
			if pt.ContainerPort == 0 {
				bad(pp+".containerPort", "must be 1..65535")
			}
			if pt.Protocol != "TCP" && pt.Protocol != "UDP" {
				bad(pp+".protocol", "must be TCP or UDP")
			}
			k := portKey{pt.ContainerPort, pt.Protocol}
			if other, ok := ports[k]; ok && pt.ContainerPort != 0 {
				bad(pp+".containerPort", "%d/%s is already used by %s", pt.ContainerPort, pt.Protocol, other)
			}
			ports[k] = pp
			switch pt.Expose {
			case ExposeNone, ExposeTCP:
				if len(pt.Hostnames) > 0 {
					bad(pp+".hostnames", "only an http port has hostnames")
				}
				if pt.Expose == ExposeTCP && pt.Protocol != "TCP" {
					bad(pp+".expose", "tcp needs protocol TCP")
				}
			case ExposeHTTP:
				if pt.Protocol != "TCP" {
					bad(pp+".expose", "http needs protocol TCP")
				}
			default:
				bad(pp+".expose", "must be http or tcp (or absent)")
			}
			if len(pt.Hostnames) > MaxHostnames {
				bad(pp+".hostnames", "at most %d", MaxHostnames)
			}
			for k, h := range pt.Hostnames {
				hp := fmt.Sprintf("%s.hostnames[%d]", pp, k)
				if len(h) > 253 || !hostnameRe.MatchString(h) {
					bad(hp, "%q is not a hostname", h)
				} else if other, ok := hosts[h]; ok {
					bad(hp, "%q is already used by %s", h, other)
				}
				hosts[h] = hp
			}
		}
		r := c.Resources
		if r.CPUMilli == 0 {
			bad(cp+".resources.cpu", "must be greater than zero")
		}
		if r.MemoryMiB == 0 {
			bad(cp+".resources.memory", "must be greater than zero")
		}
		for _, q := range []struct {
			name string
			v    uint64
		}{{"cpu", r.CPUMilli}, {"memory", r.MemoryMiB}, {"storage", r.StorageMiB}, {"gpu", r.GPUMilli}} {
			if q.v > maxResource {
				bad(cp+".resources."+q.name, "too large")
			}
		}
		mounts := map[string]bool{}
		for j, m := range c.VolumeMounts {
			mp := fmt.Sprintf("%s.volumeMounts[%d]", cp, j)
			if !volumes[m.Name] {
				bad(mp+".name", "no volume named %q", m.Name)
			}
			if !path.IsAbs(m.MountPath) || path.Clean(m.MountPath) != m.MountPath || m.MountPath == "/" {
				bad(mp+".mountPath", "must be a clean absolute path other than /")
			} else if mounts[m.MountPath] {
				bad(mp+".mountPath", "%s is mounted twice", m.MountPath)
			}
			mounts[m.MountPath] = true
		}
	}

	s := p.Scale
	if s.Min != 0 && s.Min != 1 {
		bad("spec.scale.min", "must be 0 or 1")
	}
	if s.Max < 1 || s.Max > MaxScale {
		bad("spec.scale.max", "must be 1..%d", MaxScale)
	} else if s.Max < s.Min {
		bad("spec.scale.max", "must not be less than spec.scale.min")
	}
	if s.IdleTimeout < 0 || time.Duration(s.IdleTimeout) > 30*24*time.Hour {
		bad("spec.scale.idleTimeout", "must be between 0 and 720h")
	}
	if s.Min == 0 {
		http := false
		for _, c := range p.Containers {
			for _, pt := range c.Ports {
				http = http || pt.Expose == ExposeHTTP
			}
		}
		if !http {
			bad("spec.scale.min", "0 (scale to zero) needs a port with expose: http to wake the pod")
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: errs}
}

// fieldErr turns a field error from a loader into a ValidationError.
func fieldErr(path, format string, args ...any) error {
	return &ValidationError{Errors: []*FieldError{{Path: path, Reason: fmt.Sprintf(format, args...)}}}
}
