package manifest

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
)

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
	MaxPodHostnames = 128
	MaxConfigBytes  = 1 << 20 // per config volume
)

var (
	dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	// objectName is a container or volume name: a Compose service or volume
	// name (db_data, my.svc) or a Kubernetes name.
	objectName  = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	hostnameRe  = regexp.MustCompile(`^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	podHostRe   = regexp.MustCompile(`^([a-zA-Z0-9_]([-a-zA-Z0-9_]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9_]([-a-zA-Z0-9_]{0,61}[a-zA-Z0-9])?$`)
	secretName  = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]{0,126}[A-Za-z0-9])?$`)
	imageRefRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$`)
	digestRe    = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	userRe      = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`)
	capRe       = regexp.MustCompile(`^(CAP_)?[A-Z_]{2,32}$`)
	maxResource = uint64(1) << 40
)

// validator collects the problems of one pod.
type validator struct {
	errs []*FieldError
}

func (v *validator) bad(path, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Path: path, Reason: fmt.Sprintf(format, args...)})
}

// Validate checks the pod and returns a *ValidationError naming every bad
// field (paths of the normalized model), or nil.
func (p *Pod) Validate() error {
	v := &validator{}
	v.header(p)
	volumes := v.volumes(p.Volumes)
	v.containers(p, volumes)
	v.hostnames(p.Hostnames)
	v.scale(p)
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Errors: v.errs}
}

func (v *validator) header(p *Pod) {
	if p.APIVersion != APIVersion {
		v.bad("apiVersion", "must be %q", APIVersion)
	}
	if p.Kind != Kind {
		v.bad("kind", "must be %q", Kind)
	}
	if !dnsLabel.MatchString(p.Name) {
		v.bad("metadata.name", "must be a DNS label (lowercase letters, digits, '-', at most 63)")
	}
	if len(p.Containers) == 0 {
		v.bad("spec.containers", "at least one container is required")
	}
	if len(p.Containers)+len(p.InitContainers) > MaxContainers {
		v.bad("spec.containers", "at most %d containers, init containers included", MaxContainers)
	}
	if len(p.Volumes) > MaxVolumes {
		v.bad("spec.volumes", "at most %d volumes", MaxVolumes)
	}
}

// volumes checks the pod's volumes and returns their names.
func (v *validator) volumes(vols []Volume) map[string]bool {
	names := map[string]bool{}
	for i, vol := range vols {
		vp := fmt.Sprintf("spec.volumes[%d]", i)
		if !objectName.MatchString(vol.Name) {
			v.bad(vp+".name", "%q must be letters, digits, '-', '_' or '.' (at most 63)", vol.Name)
		} else if names[vol.Name] {
			v.bad(vp+".name", "duplicate volume %q", vol.Name)
		}
		names[vol.Name] = true
		n := 0
		if vol.EmptyDir != nil {
			n++
			if vol.EmptyDir.SizeMiB > maxResource {
				v.bad(vp+".emptyDir.sizeMiB", "too large")
			}
		}
		if vol.Persistent != nil {
			n++
			if vol.Persistent.SizeMiB == 0 {
				v.bad(vp+".persistent.size", "must be greater than zero")
			} else if vol.Persistent.SizeMiB > maxResource {
				v.bad(vp+".persistent.size", "too large")
			}
		}
		if vol.Secret != nil {
			n++
			v.secretVolume(vp, vol.Secret)
		}
		if vol.Config != nil {
			n++
			v.configVolume(vp, vol.Config)
		}
		if n != 1 {
			v.bad(vp, "exactly one of emptyDir, persistent, secret or config is required")
		}
	}
	return names
}

func (v *validator) secretVolume(vp string, s *SecretVolume) {
	if len(s.Secrets)+len(s.Items) == 0 {
		v.bad(vp+".secret.secrets", "at least one secret name is required")
	}
	if len(s.Secrets)+len(s.Items) > MaxSecretsInVol {
		v.bad(vp+".secret.secrets", "at most %d", MaxSecretsInVol)
	}
	files := map[string]bool{}
	for j, name := range s.Secrets {
		if !secretName.MatchString(name) {
			v.bad(fmt.Sprintf("%s.secret.secrets[%d]", vp, j), "%q is not a valid secret name (letters, digits, '-', '_', '.')", name)
		} else if files[name] {
			v.bad(fmt.Sprintf("%s.secret.secrets[%d]", vp, j), "duplicate secret %q", name)
		}
		files[name] = true
	}
	for j, it := range s.Items {
		ip := fmt.Sprintf("%s.secret.items[%d]", vp, j)
		if !secretName.MatchString(it.Secret) {
			v.bad(ip+".secret", "%q is not a valid secret name", it.Secret)
		}
		if !validFileName(it.Path) {
			v.bad(ip+".path", "%q must be a file name (letters, digits, '-', '_', '.')", it.Path)
		} else if files[it.Path] {
			v.bad(ip+".path", "duplicate file %q", it.Path)
		}
		files[it.Path] = true
	}
}

func (v *validator) configVolume(vp string, c *ConfigVolume) {
	if len(c.Files) == 0 {
		v.bad(vp+".config.files", "at least one file is required")
	}
	size, files := 0, map[string]bool{}
	for j, f := range c.Files {
		size += len(f.Data)
		if !validFileName(f.Path) {
			v.bad(fmt.Sprintf("%s.config.files[%d].path", vp, j), "%q must be a file name (letters, digits, '-', '_', '.')", f.Path)
		} else if files[f.Path] {
			v.bad(fmt.Sprintf("%s.config.files[%d].path", vp, j), "duplicate file %q", f.Path)
		}
		files[f.Path] = true
	}
	if size > MaxConfigBytes {
		v.bad(vp+".config", "files larger than %d bytes in all", MaxConfigBytes)
	}
}

var fileNameRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

func validFileName(s string) bool { return fileNameRe.MatchString(s) && s != "." && s != ".." }

type portKey struct {
	port  uint16
	proto string
}

// containerCheck holds what must be unique across the pod's containers.
type containerCheck struct {
	volumes map[string]bool
	names   map[string]bool
	ports   map[portKey]string
	hosts   map[string]string
}

func (v *validator) containers(p *Pod, volumes map[string]bool) {
	cc := &containerCheck{volumes: volumes, names: map[string]bool{}, ports: map[portKey]string{}, hosts: map[string]string{}}
	for i, c := range p.InitContainers {
		v.container(fmt.Sprintf("spec.initContainers[%d]", i), c, true, cc)
	}
	for i, c := range p.Containers {
		v.container(fmt.Sprintf("spec.containers[%d]", i), c, false, cc)
	}
}

func (v *validator) container(cp string, c Container, init bool, cc *containerCheck) {
	if !objectName.MatchString(c.Name) {
		v.bad(cp+".name", "%q must be letters, digits, '-', '_' or '.' (at most 63)", c.Name)
	} else if cc.names[c.Name] {
		v.bad(cp+".name", "duplicate container %q", c.Name)
	}
	cc.names[c.Name] = true
	if c.Image == "" {
		v.bad(cp+".image", "is required")
	} else if len(c.Image) > 512 || !imageRefRe.MatchString(c.Image) {
		v.bad(cp+".image", "%q is not an image reference", c.Image)
	}
	if c.ImageDigest != "" && !digestRe.MatchString(c.ImageDigest) {
		v.bad(cp+".imageDigest", "must be sha256:<64 hex>")
	}
	size := 0
	for _, s := range append(append([]string{}, c.Command...), c.Args...) {
		size += len(s)
	}
	if size > MaxArgBytes {
		v.bad(cp+".command", "command and args exceed %d bytes", MaxArgBytes)
	}
	if c.WorkingDir != "" && !path.IsAbs(c.WorkingDir) {
		v.bad(cp+".workingDir", "must be an absolute path")
	}
	v.env(cp, c.Env)
	v.ports(cp, c.Ports, cc)
	v.resources(cp, c.Resources)
	v.mounts(cp, c.VolumeMounts, cc.volumes)
	v.lifecycle(cp, c, init)
}

func (v *validator) env(cp string, env []EnvVar) {
	if len(env) > MaxEnv {
		v.bad(cp+".env", "at most %d variables", MaxEnv)
	}
	seen := map[string]bool{}
	for j, e := range env {
		if !envName.MatchString(e.Name) {
			v.bad(fmt.Sprintf("%s.env[%d].name", cp, j), "%q is not a valid variable name", e.Name)
		} else if seen[e.Name] {
			v.bad(fmt.Sprintf("%s.env[%d].name", cp, j), "duplicate variable %q", e.Name)
		}
		seen[e.Name] = true
		if strings.ContainsRune(e.Value, 0) {
			v.bad(fmt.Sprintf("%s.env[%d].value", cp, j), "contains a NUL byte")
		}
		if e.FieldRef != "" && (e.FieldRef != FieldPodIP || e.Value != "" || e.Secret != "") {
			v.bad(fmt.Sprintf("%s.env[%d].fieldRef", cp, j), "must be %s, without a value", FieldPodIP)
		}
		if e.Secret != "" && (e.Value != "" || !secretName.MatchString(e.Secret)) {
			v.bad(fmt.Sprintf("%s.env[%d].secret", cp, j), "must be a secret name, without a value")
		}
	}
}

func (v *validator) ports(cp string, ports []Port, cc *containerCheck) {
	if len(ports) > MaxPorts {
		v.bad(cp+".ports", "at most %d ports", MaxPorts)
	}
	for j, pt := range ports {
		pp := fmt.Sprintf("%s.ports[%d]", cp, j)
		if pt.ContainerPort == 0 {
			v.bad(pp+".containerPort", "must be 1..65535")
		}
		if pt.Protocol != "TCP" && pt.Protocol != "UDP" {
			v.bad(pp+".protocol", "must be TCP or UDP")
		}
		k := portKey{pt.ContainerPort, pt.Protocol}
		if other, ok := cc.ports[k]; ok && pt.ContainerPort != 0 {
			v.bad(pp+".containerPort", "%d/%s is already used by %s", pt.ContainerPort, pt.Protocol, other)
		}
		cc.ports[k] = pp
		switch pt.Expose {
		case ExposeNone, ExposeTCP:
			if len(pt.Hostnames) > 0 {
				v.bad(pp+".hostnames", "only an http port has hostnames")
			}
			if pt.Expose == ExposeTCP && pt.Protocol != "TCP" {
				v.bad(pp+".expose", "tcp needs protocol TCP")
			}
		case ExposeHTTP:
			if pt.Protocol != "TCP" {
				v.bad(pp+".expose", "http needs protocol TCP")
			}
		default:
			v.bad(pp+".expose", "must be http or tcp (or absent)")
		}
		if len(pt.Hostnames) > MaxHostnames {
			v.bad(pp+".hostnames", "at most %d", MaxHostnames)
		}
		for k, h := range pt.Hostnames {
			hp := fmt.Sprintf("%s.hostnames[%d]", pp, k)
			if len(h) > 253 || !hostnameRe.MatchString(h) {
				v.bad(hp, "%q is not a hostname", h)
			} else if other, ok := cc.hosts[h]; ok {
				v.bad(hp, "%q is already used by %s", h, other)
			}
			cc.hosts[h] = hp
		}
	}
}

func (v *validator) resources(cp string, r Resources) {
	if r.CPUMilli == 0 {
		v.bad(cp+".resources.cpu", "must be greater than zero")
	}
	if r.MemoryMiB == 0 {
		v.bad(cp+".resources.memory", "must be greater than zero")
	}
	for _, q := range []struct {
		name string
		v    uint64
	}{{"cpu", r.CPUMilli}, {"memory", r.MemoryMiB}, {"storage", r.StorageMiB}, {"gpu", r.GPUMilli}} {
		if q.v > maxResource {
			v.bad(cp+".resources."+q.name, "too large")
		}
	}
}

func (v *validator) mounts(cp string, mounts []VolumeMount, volumes map[string]bool) {
	seen := map[string]bool{}
	for j, m := range mounts {
		mp := fmt.Sprintf("%s.volumeMounts[%d]", cp, j)
		if !volumes[m.Name] {
			v.bad(mp+".name", "no volume named %q", m.Name)
		}
		if !path.IsAbs(m.MountPath) || path.Clean(m.MountPath) != m.MountPath || m.MountPath == "/" {
			v.bad(mp+".mountPath", "must be a clean absolute path other than /")
		} else if seen[m.MountPath] {
			v.bad(mp+".mountPath", "%s is mounted twice", m.MountPath)
		}
		seen[m.MountPath] = true
	}
}

// lifecycle checks restart policy, sidecar, security fields and probes.
func (v *validator) lifecycle(cp string, c Container, init bool) {
	switch c.Restart {
	case RestartNever, RestartOnFailure, RestartAlways:
	default:
		v.bad(cp+".restart", "must be on-failure or always (or absent)")
	}
	if c.Sidecar && !init {
		v.bad(cp+".sidecar", "only an init container can be a sidecar")
	}
	if init && !c.Sidecar && (c.Liveness != nil || c.Readiness != nil || c.Startup != nil) {
		v.bad(cp, "an init container that runs to completion has no probes")
	}
	if c.User != "" && (len(c.User) > 64 || !userRe.MatchString(c.User)) {
		v.bad(cp+".user", "%q must be uid[:gid] or name[:group]", c.User)
	}
	if c.ShmSizeMiB > 1<<20 {
		v.bad(cp+".shmSizeMiB", "too large")
	}
	for j, cap := range c.CapDrop {
		if !capRe.MatchString(cap) {
			v.bad(fmt.Sprintf("%s.capDrop[%d]", cp, j), "%q is not a capability name", cap)
		}
	}
	for _, pr := range []struct {
		name string
		p    *Probe
	}{{"livenessProbe", c.Liveness}, {"readinessProbe", c.Readiness}, {"startupProbe", c.Startup}} {
		if pr.p != nil {
			v.probe(cp+"."+pr.name, pr.p)
		}
	}
}

func (v *validator) probe(pp string, p *Probe) {
	n := 0
	if len(p.Exec) > 0 {
		n++
	}
	if p.HTTPGet != nil {
		n++
		if p.HTTPGet.Port == 0 {
			v.bad(pp+".httpGet.port", "must be 1..65535")
		}
		if p.HTTPGet.Path != "" && !strings.HasPrefix(p.HTTPGet.Path, "/") {
			v.bad(pp+".httpGet.path", "must start with /")
		}
	}
	if p.TCPPort != 0 {
		n++
	}
	if n != 1 {
		v.bad(pp, "exactly one of exec, httpGet or tcpPort is required")
	}
	for _, d := range []Duration{p.InitialDelay, p.Period, p.Timeout} {
		if d < 0 || time.Duration(d) > time.Hour {
			v.bad(pp, "durations must be between 0 and 1h")
			break
		}
	}
	if p.SuccessThreshold < 0 || p.FailureThreshold < 0 || p.SuccessThreshold > 1000 || p.FailureThreshold > 1000 {
		v.bad(pp, "thresholds must be 0..1000")
	}
}

func (v *validator) hostnames(hosts []string) {
	if len(hosts) > MaxPodHostnames {
		v.bad("spec.hostnames", "at most %d", MaxPodHostnames)
	}
	seen := map[string]bool{}
	for i, h := range hosts {
		if len(h) > 253 || !podHostRe.MatchString(h) {
			v.bad(fmt.Sprintf("spec.hostnames[%d]", i), "%q is not a host name", h)
		} else if seen[h] {
			v.bad(fmt.Sprintf("spec.hostnames[%d]", i), "duplicate host name %q", h)
		}
		seen[h] = true
	}
}

func (v *validator) scale(p *Pod) {
	s := p.Scale
	if s.Min != 0 && s.Min != 1 {
		v.bad("spec.scale.min", "must be 0 or 1")
	}
	if s.Max < 1 || s.Max > MaxScale {
		v.bad("spec.scale.max", "must be 1..%d", MaxScale)
	} else if s.Max < s.Min {
		v.bad("spec.scale.max", "must not be less than spec.scale.min")
	}
	if s.IdleTimeout < 0 || time.Duration(s.IdleTimeout) > 30*24*time.Hour {
		v.bad("spec.scale.idleTimeout", "must be between 0 and 720h")
	}
	switch s.Idle {
	case "", IdleStop:
	case IdleFreeze:
		if s.Min != 0 {
			v.bad("spec.scale.idle", "freeze applies to a pod that scales to zero (min: 0)")
		}
	default:
		v.bad("spec.scale.idle", "must be %s or %s", IdleStop, IdleFreeze)
	}
	if s.Min == 0 {
		http := false
		for _, c := range p.Containers {
			for _, pt := range c.Ports {
				http = http || pt.Expose == ExposeHTTP
			}
		}
		if !http {
			v.bad("spec.scale.min", "0 (scale to zero) needs a port with expose: http to wake the pod")
		}
	}
}
