package provider

import (
	"encoding/hex"
	"fmt"

	"strconv"
	"strings"

	"github.com/trustedpods/tpod/internal/bundle"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/runtime"
)

// runtimeID is the runtime's name for the pod of a channel: channel IDs are
// unique per provider (podIds are only unique per publisher), and 16 bytes of
// one keep the name within the runtime's 48 characters.
func runtimeID(channelID [32]byte) string {
	return "tp-" + hex.EncodeToString(channelID[:16])
}

// podSpec translates a decrypted bundle into the runtime's pod spec.
func podSpec(channelID, podID [32]byte, c *bundle.Contents) (runtime.PodSpec, error) {
	m := c.Pod
	images := map[string]bundle.ExtractedImage{}
	for _, im := range c.Images {
		images[im.Ref] = im
	}
	spec := runtime.PodSpec{
		ID: runtimeID(channelID),
		// A restarted provider knows from these which channel a pod it finds
		// belongs to; the Kubernetes backend scales by them.
		Labels: map[string]string{
			runtime.LabelChannel:  hex.EncodeToString(channelID[:]),
			runtime.LabelPodID:    hex.EncodeToString(podID[:]),
			runtime.LabelScaleMin: strconv.Itoa(m.Scale.Min),
			runtime.LabelScaleMax: strconv.Itoa(max(m.Scale.Max, 1)),
		},
	}
	for _, v := range m.Volumes {
		rv := runtime.Volume{Name: v.Name}
		switch {
		case v.EmptyDir != nil:
			rv.Kind = runtime.EmptyDir
		case v.Persistent != nil:
			rv.Kind = runtime.Persistent
		case v.Secret != nil:
			rv.Kind = runtime.Secret
			rv.Files = map[string][]byte{}
			for _, name := range v.Secret.Secrets {
				data, ok := c.Secrets[name]
				if !ok {
					return runtime.PodSpec{}, fmt.Errorf("volume %s: secret %q is not in the bundle", v.Name, name)
				}
				rv.Files[name] = data
			}
		default:
			return runtime.PodSpec{}, fmt.Errorf("volume %s: no kind", v.Name)
		}
		spec.Volumes = append(spec.Volumes, rv)
	}
	for _, ct := range m.Containers {
		im, ok := images[ct.Image]
		if !ok {
			return runtime.PodSpec{}, fmt.Errorf("container %s: image %q is not in the bundle", ct.Name, ct.Image)
		}
		rc := runtime.Container{
			Name:    ct.Name,
			Image:   runtime.Image{Archive: im.Path, Digest: im.Digest},
			Command: ct.Command,
			Args:    ct.Args,
			WorkDir: ct.WorkingDir,
			Resources: runtime.Resources{
				CPUMillis:  ct.Resources.CPUMilli,
				MemoryMiB:  ct.Resources.MemoryMiB,
				StorageMiB: ct.Resources.StorageMiB,
				// The runtime hands out whole GPUs; a fraction reserves one.
				GPUs: (ct.Resources.GPUMilli + 999) / 1000,
			},
		}
		if len(ct.Env) > 0 {
			rc.Env = make(map[string]string, len(ct.Env))
			for _, e := range ct.Env {
				rc.Env[e.Name] = e.Value
			}
		}
		for _, p := range ct.Ports {
			rc.Ports = append(rc.Ports, runtime.Port{Name: p.Name, ContainerPort: p.ContainerPort, Protocol: strings.ToLower(p.Protocol)})
		}
		for _, vm := range ct.VolumeMounts {
			rc.Mounts = append(rc.Mounts, runtime.Mount{Volume: vm.Name, Path: vm.MountPath, ReadOnly: vm.ReadOnly})
		}
		spec.Containers = append(spec.Containers, rc)
	}
	if err := spec.Validate(); err != nil {
		return runtime.PodSpec{}, err
	}
	return spec, nil
}

// exposure is how the gateway reaches a pod's exposed ports.
type exposure struct {
	HTTPPort  int
	Hostnames []string
	TCP       []int
}

func exposed(m *manifest.Pod) exposure {
	var e exposure
	for _, ct := range m.Containers {
		for _, p := range ct.Ports {
			switch p.Expose {
			case manifest.ExposeHTTP:
				if e.HTTPPort == 0 {
					e.HTTPPort = int(p.ContainerPort)
				}
				e.Hostnames = append(e.Hostnames, p.Hostnames...)
			case manifest.ExposeTCP:
				e.TCP = append(e.TCP, int(p.ContainerPort))
			}
		}
	}
	return e
}

// reservation is what a manifest reserves per running replica.
func reservation(t manifest.Totals) Reservation {
	return Reservation{CPUMilli: t.CPUMilli, MemoryMiB: t.MemoryMiB, StorageMiB: t.StorageMiB, GPUMilli: t.GPUMilli}
}
