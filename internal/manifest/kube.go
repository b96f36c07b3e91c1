package manifest

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Annotations that carry what Kubernetes has no field for.
const (
	AnnotationExpose      = "tpod.dev/expose"       // "8080=http,5432=tcp"
	AnnotationHostnames   = "tpod.dev/hostnames"    // "a.example,b.example" for every http port
	AnnotationScaleMin    = "tpod.dev/scale-min"    // "0" or "1"
	AnnotationIdleTimeout = "tpod.dev/idle-timeout" // "5m"
	// AnnotationVolumeSize + volume name gives a persistentVolumeClaim volume its size.
	AnnotationVolumeSize = "tpod.dev/volume-size."
)

// GPU resource names counted as GPUs.
var gpuResources = []corev1.ResourceName{"nvidia.com/gpu", "amd.com/gpu", "gpu"}

func loadKube(data []byte) (*Pod, error) {
	var head struct {
		Kind string `json:"kind"`
	}
	if err := yamlUnmarshal(data, &head); err != nil {
		return nil, err
	}
	var (
		name     string
		ann      = map[string]string{}
		spec     corev1.PodSpec
		prefix   string
		replicas int
	)
	switch head.Kind {
	case "Pod":
		var kp corev1.Pod
		if err := yamlStrict(data, &kp); err != nil {
			return nil, err
		}
		name, spec, prefix, replicas = kp.Name, kp.Spec, "spec", 1
		maps.Copy(ann, kp.Annotations)
	case "Deployment":
		var d appsv1.Deployment
		if err := yamlStrict(data, &d); err != nil {
			return nil, err
		}
		name, spec, prefix = d.Name, d.Spec.Template.Spec, "spec.template.spec"
		replicas = 1
		if d.Spec.Replicas != nil {
			replicas = int(*d.Spec.Replicas)
		}
		maps.Copy(ann, d.Annotations)
		maps.Copy(ann, d.Spec.Template.Annotations)
	}
	if len(spec.InitContainers) > 0 {
		return nil, fieldErr(prefix+".initContainers", "not supported")
	}
	if len(spec.EphemeralContainers) > 0 {
		return nil, fieldErr(prefix+".ephemeralContainers", "not supported")
	}
	if spec.HostNetwork || spec.HostPID || spec.HostIPC {
		return nil, fieldErr(prefix+".hostNetwork", "host namespaces are not supported")
	}

	expose := map[uint16]string{}
	if s := ann[AnnotationExpose]; s != "" {
		for _, item := range strings.Split(s, ",") {
			port, kind, ok := strings.Cut(strings.TrimSpace(item), "=")
			n, err := strconv.ParseUint(port, 10, 16)
			if !ok || err != nil || n == 0 {
				return nil, fieldErr("metadata.annotations."+AnnotationExpose, "%q is not PORT=http|tcp", item)
			}
			expose[uint16(n)] = kind
		}
	}
	var hostnames []string
	if s := ann[AnnotationHostnames]; s != "" {
		for _, h := range strings.Split(s, ",") {
			hostnames = append(hostnames, strings.TrimSpace(h))
		}
	}

	p := &Pod{Name: name}
	for i, c := range spec.Containers {
		cp := fmt.Sprintf("%s.containers[%d]", prefix, i)
		if len(c.EnvFrom) > 0 {
			return nil, fieldErr(cp+".envFrom", "not supported; use env with values or a secret volume")
		}
		if c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			return nil, fieldErr(cp+".securityContext.privileged", "not supported")
		}
		out := Container{Name: c.Name, Image: c.Image, Command: c.Command, Args: c.Args, WorkingDir: c.WorkingDir}
		for j, e := range c.Env {
			if e.ValueFrom != nil {
				return nil, fieldErr(fmt.Sprintf("%s.env[%d].valueFrom", cp, j), "not supported; use a secret volume")
			}
			out.Env = append(out.Env, EnvVar{Name: e.Name, Value: e.Value})
		}
		for j, pt := range c.Ports {
			if pt.ContainerPort < 1 || pt.ContainerPort > 65535 {
				return nil, fieldErr(fmt.Sprintf("%s.ports[%d].containerPort", cp, j), "must be 1..65535")
			}
			port := Port{Name: pt.Name, ContainerPort: uint16(pt.ContainerPort), Protocol: string(pt.Protocol)}
			port.Expose = expose[port.ContainerPort]
			if port.Expose == ExposeHTTP {
				port.Hostnames = hostnames
			}
			out.Ports = append(out.Ports, port)
		}
		// Limits are what the provider enforces; requests stand in when absent.
		get := func(name corev1.ResourceName) (resource.Quantity, bool) {
			if q, ok := c.Resources.Limits[name]; ok {
				return q, true
			}
			q, ok := c.Resources.Requests[name]
			return q, ok
		}
		if q, ok := get(corev1.ResourceCPU); ok {
			out.Resources.CPUMilli = uint64(max(q.MilliValue(), 0))
		}
		if q, ok := get(corev1.ResourceMemory); ok {
			out.Resources.MemoryMiB = (uint64(max(q.Value(), 0)) + 1<<20 - 1) >> 20
		}
		if q, ok := get(corev1.ResourceEphemeralStorage); ok {
			out.Resources.StorageMiB = (uint64(max(q.Value(), 0)) + 1<<20 - 1) >> 20
		}
		for _, g := range gpuResources {
			if q, ok := get(g); ok {
				out.Resources.GPUMilli += uint64(max(q.MilliValue(), 0))
			}
		}
		for _, m := range c.VolumeMounts {
			out.VolumeMounts = append(out.VolumeMounts, VolumeMount{Name: m.Name, MountPath: m.MountPath, ReadOnly: m.ReadOnly})
		}
		p.Containers = append(p.Containers, out)
	}
	for i, v := range spec.Volumes {
		vp := fmt.Sprintf("%s.volumes[%d]", prefix, i)
		out := Volume{Name: v.Name}
		switch {
		case v.EmptyDir != nil:
			var size uint64
			if v.EmptyDir.SizeLimit != nil {
				size = (uint64(max(v.EmptyDir.SizeLimit.Value(), 0)) + 1<<20 - 1) >> 20
			}
			out.EmptyDir = &EmptyDirVolume{SizeMiB: size}
		case v.PersistentVolumeClaim != nil:
			key := AnnotationVolumeSize + v.Name
			size, err := mebibytes("metadata.annotations."+key, ann[key])
			if err != nil {
				return nil, err
			}
			if size == 0 {
				return nil, fieldErr(vp+".persistentVolumeClaim", "needs its size in annotation %s", key)
			}
			out.Persistent = &PersistentVolume{SizeMiB: size}
		case v.Secret != nil:
			if len(v.Secret.Items) > 0 {
				return nil, fieldErr(vp+".secret.items", "not supported: the volume holds one file named after the secret")
			}
			out.Secret = &SecretVolume{Secrets: []string{v.Secret.SecretName}}
		default:
			return nil, fieldErr(vp, "only emptyDir, persistentVolumeClaim and secret volumes are supported")
		}
		p.Volumes = append(p.Volumes, out)
	}
	p.Scale.Min, p.Scale.Max = 1, max(replicas, 1)
	if replicas == 0 {
		p.Scale.Min = 0
	}
	if s, ok := ann[AnnotationScaleMin]; ok {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fieldErr("metadata.annotations."+AnnotationScaleMin, "must be 0 or 1")
		}
		p.Scale.Min = n
	}
	if s, ok := ann[AnnotationIdleTimeout]; ok {
		d, err := parseDuration(s)
		if err != nil {
			return nil, fieldErr("metadata.annotations."+AnnotationIdleTimeout, "%v", err)
		}
		p.Scale.IdleTimeout = Duration(d)
	}
	return p, nil
}
