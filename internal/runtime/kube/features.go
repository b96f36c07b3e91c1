package kube

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/trustedpods/tpod/internal/runtime"
)

// Supports implements runtime.FeatureReporter: every optional feature maps
// onto Kubernetes' own (init containers and native sidecars, probes,
// security contexts); hostnames are an /etc/hosts of the backend's.
func (r *Runtime) Supports(f runtime.Feature) bool {
	switch f {
	case runtime.FeatureInitContainers, runtime.FeatureProbes, runtime.FeatureHostnames, runtime.FeatureSecurity:
		return true
	}
	return false
}

const (
	hostsSecretName = "tpod-hosts" // the pod's /etc/hosts, when it has hostnames
	shmVolume       = "tpod-shm"
)

// hostsFile is the /etc/hosts of a pod with hostnames: they and the pod's ID
// name the pod itself (its containers share localhost). It is a Secret of
// the backend's mounted over /etc/hosts (the kubelet then leaves the file
// alone) rather than hostAliases, which accept DNS-1123 names only ("my_svc"
// is a Compose service name).
func hostsFile(spec runtime.PodSpec) []byte {
	names := append([]string{spec.ID}, spec.Hostnames...)
	return []byte("127.0.0.1\tlocalhost " + strings.Join(names, " ") + "\n::1\tlocalhost ip6-localhost ip6-loopback " + strings.Join(names, " ") + "\n")
}

func (b builder) hostsSecret(ns string, spec runtime.PodSpec) *corev1.Secret {
	if len(spec.Hostnames) == 0 {
		return nil
	}
	return &corev1.Secret{ObjectMeta: b.meta(ns, hostsSecretName, spec.ID), Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"hosts": hostsFile(spec)}}
}

// probe maps a runtime.Probe onto a Kubernetes probe.
func probe(p *runtime.Probe) *corev1.Probe {
	if p == nil {
		return nil
	}
	d := p.WithDefaults()
	secs := func(v float64) int32 { return int32(max(math.Ceil(v), 1)) }
	out := &corev1.Probe{
		InitialDelaySeconds: int32(d.InitialDelay.Seconds()),
		TimeoutSeconds:      secs(d.Timeout.Seconds()),
		PeriodSeconds:       secs(d.Period.Seconds()), // Kubernetes' finest period is 1 s
		SuccessThreshold:    int32(d.SuccessThreshold),
		FailureThreshold:    int32(d.FailureThreshold),
	}
	switch {
	case len(p.Exec) > 0:
		out.Exec = &corev1.ExecAction{Command: p.Exec}
	case p.HTTPGet != nil:
		path := p.HTTPGet.Path
		if path == "" {
			path = "/"
		}
		g := &corev1.HTTPGetAction{Path: path, Port: intstr.FromInt32(int32(p.HTTPGet.Port))}
		keys := make([]string, 0, len(p.HTTPGet.Headers))
		for k := range p.HTTPGet.Headers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			g.HTTPHeaders = append(g.HTTPHeaders, corev1.HTTPHeader{Name: k, Value: p.HTTPGet.Headers[k]})
		}
		out.HTTPGet = g
	default:
		out.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(int32(p.TCPPort))}
	}
	return out
}

// securityContext adds a container's user, read-only root and dropped
// capabilities to sc. Kubernetes takes numeric IDs only: a user name must be
// resolved by whoever writes the spec.
func securityContext(c runtime.Container, sc *corev1.SecurityContext) error {
	if c.User != "" {
		u, g, hasGroup := strings.Cut(c.User, ":")
		uid, err := strconv.ParseInt(u, 10, 64)
		if err != nil || uid < 0 {
			return fmt.Errorf("container %q: user %q: Kubernetes needs a numeric uid[:gid]: %w", c.Name, c.User, runtime.ErrInvalid)
		}
		sc.RunAsUser = &uid
		if hasGroup {
			gid, err := strconv.ParseInt(g, 10, 64)
			if err != nil || gid < 0 {
				return fmt.Errorf("container %q: group %q: Kubernetes needs a numeric gid: %w", c.Name, g, runtime.ErrInvalid)
			}
			sc.RunAsGroup = &gid
		}
	}
	if c.ReadOnlyRootFS {
		ro := true
		sc.ReadOnlyRootFilesystem = &ro
	}
	for _, cap := range c.CapDrop {
		cap = strings.TrimPrefix(strings.ToUpper(cap), "CAP_")
		if sc.Capabilities == nil {
			sc.Capabilities = &corev1.Capabilities{}
		}
		sc.Capabilities.Drop = append(sc.Capabilities.Drop, corev1.Capability(cap))
	}
	return nil
}

// shmMount gives a container a /dev/shm of its size (a memory-backed
// emptyDir; the runtime's default is 64 MiB).
func shmVolumeName(container string) string { return shmVolume + "-" + container }
