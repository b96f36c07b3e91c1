package manifest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

// RuntimeSpec translates the pod into the runtime's spec under pod ID id:
// images maps each image reference to the runtime's image, secrets the
// bundle secrets by name. Container and volume names become the runtime's
// ([a-z0-9-], at most 32; runtimeNames). Labels are the caller's.
func (m *Pod) RuntimeSpec(id string, images map[string]runtime.Image, secrets map[string][]byte) (runtime.PodSpec, error) {
	spec := runtime.PodSpec{ID: id}
	names := newRuntimeNames()
	for _, v := range m.Volumes {
		rv, err := runtimeVolume(v, names.volume(v.Name), secrets)
		if err != nil {
			return runtime.PodSpec{}, err
		}
		spec.Volumes = append(spec.Volumes, rv)
	}
	for i, ct := range m.AllContainers() {
		rc, err := runtimeContainer(ct, names, images, secrets)
		if err != nil {
			return runtime.PodSpec{}, err
		}
		if i < len(m.InitContainers) {
			spec.InitContainers = append(spec.InitContainers, rc)
		} else {
			spec.Containers = append(spec.Containers, rc)
		}
	}
	spec.Hostnames = m.Hostnames
	if m.Scale.Min == 0 && m.Scale.Idle == IdleFreeze {
		spec.Idle = runtime.IdleFreeze
	}
	if err := spec.Validate(); err != nil {
		return runtime.PodSpec{}, err
	}
	return spec, nil
}

// runtimeVolume translates one volume; config volumes are files in memory
// like secrets (read-only).
func runtimeVolume(v Volume, name string, secrets map[string][]byte) (runtime.Volume, error) {
	rv := runtime.Volume{Name: name}
	switch {
	case v.EmptyDir != nil:
		rv.Kind = runtime.EmptyDir
	case v.Persistent != nil:
		rv.Kind = runtime.Persistent
	case v.Secret != nil:
		rv.Kind = runtime.Secret
		rv.Files = map[string][]byte{}
		for _, s := range v.Secret.Secrets {
			data, ok := secrets[s]
			if !ok {
				return rv, fmt.Errorf("volume %s: secret %q is not in the bundle", v.Name, s)
			}
			rv.Files[s] = data
		}
		for _, it := range v.Secret.Items {
			data, ok := secrets[it.Secret]
			if !ok {
				return rv, fmt.Errorf("volume %s: secret %q is not in the bundle", v.Name, it.Secret)
			}
			rv.Files[it.Path] = data
		}
	case v.Config != nil:
		rv.Kind = runtime.Secret
		rv.Files = map[string][]byte{}
		for _, f := range v.Config.Files {
			rv.Files[f.Path] = []byte(f.Data)
		}
	default:
		return rv, fmt.Errorf("volume %s: no kind", v.Name)
	}
	return rv, nil
}

func runtimeContainer(ct Container, names *runtimeNames, images map[string]runtime.Image, secrets map[string][]byte) (runtime.Container, error) {
	im, ok := images[ct.Image]
	if !ok {
		return runtime.Container{}, fmt.Errorf("container %s: image %q is not in the bundle", ct.Name, ct.Image)
	}
	rc := runtime.Container{
		Name:    names.container(ct.Name),
		Image:   im,
		Command: ct.Command,
		Args:    ct.Args,
		WorkDir: ct.WorkingDir,
		Resources: runtime.Resources{
			CPUMillis:  ct.Resources.CPUMilli,
			MemoryMiB:  ct.Resources.MemoryMiB,
			StorageMiB: ct.Resources.StorageMiB,
			GPUs:       usage.WholeGPUs(ct.Resources.GPUMilli),
		},
		Restart:        runtime.RestartPolicy(ct.Restart),
		Sidecar:        ct.Sidecar,
		User:           ct.User,
		ShmSizeMiB:     ct.ShmSizeMiB,
		ReadOnlyRootFS: ct.ReadOnlyRootFS,
		CapDrop:        ct.CapDrop,
		Liveness:       runtimeProbe(ct.Liveness),
		Readiness:      runtimeProbe(ct.Readiness),
		Startup:        runtimeProbe(ct.Startup),
	}
	for _, e := range ct.Env {
		switch {
		case e.FieldRef == FieldPodIP:
			rc.PodIPEnv = append(rc.PodIPEnv, e.Name)
			continue
		case e.Secret != "":
			data, ok := secrets[e.Secret]
			if !ok {
				return rc, fmt.Errorf("container %s: env %s: secret %q is not in the bundle", ct.Name, e.Name, e.Secret)
			}
			e.Value = string(data)
		}
		if rc.Env == nil {
			rc.Env = map[string]string{}
		}
		rc.Env[e.Name] = e.Value
	}
	for _, p := range ct.Ports {
		rc.Ports = append(rc.Ports, runtime.Port{Name: p.Name, ContainerPort: p.ContainerPort, Protocol: strings.ToLower(p.Protocol)})
	}
	for _, vm := range ct.VolumeMounts {
		rc.Mounts = append(rc.Mounts, runtime.Mount{Volume: names.volume(vm.Name), Path: vm.MountPath, ReadOnly: vm.ReadOnly, SubPath: vm.SubPath})
	}
	return rc, nil
}

func runtimeProbe(p *Probe) *runtime.Probe {
	if p == nil {
		return nil
	}
	out := &runtime.Probe{
		Exec: p.Exec, TCPPort: p.TCPPort,
		InitialDelay: time.Duration(p.InitialDelay), Period: time.Duration(p.Period), Timeout: time.Duration(p.Timeout),
		SuccessThreshold: p.SuccessThreshold, FailureThreshold: p.FailureThreshold,
	}
	if h := p.HTTPGet; h != nil {
		out.HTTPGet = &runtime.HTTPGetProbe{Port: h.Port, Path: h.Path}
		for _, kv := range h.Headers {
			if out.HTTPGet.Headers == nil {
				out.HTTPGet.Headers = map[string]string{}
			}
			out.HTTPGet.Headers[kv.Name] = kv.Value
		}
	}
	return out
}

// runtimeNames turns the manifest's container and volume names (Compose
// allows db_data, My.Service) into the runtime's ([a-z0-9-], 32 at most),
// keeping them distinct.
type runtimeNames struct {
	used  map[string]bool
	names map[string]string
}

func newRuntimeNames() *runtimeNames {
	return &runtimeNames{used: map[string]bool{}, names: map[string]string{}}
}

func (n *runtimeNames) container(name string) string { return n.get("c/", name) }
func (n *runtimeNames) volume(name string) string    { return n.get("v/", name) }

func (n *runtimeNames) get(ns, name string) string {
	if v, ok := n.names[ns+name]; ok {
		return v
	}
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteRune('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 32 {
		out = strings.Trim(out[:32], "-")
	}
	if out == "" {
		out = "x"
	}
	base := out
	for i := 2; n.used[ns+out]; i++ {
		suffix := "-" + strconv.Itoa(i)
		out = strings.Trim(base[:min(len(base), 32-len(suffix))], "-") + suffix
	}
	n.used[ns+out] = true
	n.names[ns+name] = out
	return out
}
