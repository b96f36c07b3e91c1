package kube

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/trustedpods/tpod/internal/runtime"
)

// Labels and annotations the backend puts on the objects it creates.
const (
	// LabelManagedBy marks every object of the backend ("tpod").
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelProvider names the provider instance that owns a namespace, so that
	// several providers can share a cluster.
	LabelProvider = "tpod.io/provider"
	// LabelPod carries the pod ID on the namespace and on every workload pod.
	LabelPod = "tpod.io/pod"
	// LabelChannel carries the payment channel of the pod on its namespace,
	// from PodSpec.Labels. A channel ID too long for a label value is stored
	// as "sha256-" + 40 hex digits of its hash; the full value is in the
	// annotation of the same name.
	LabelChannel = runtime.LabelChannel
	// LabelScaleMin and LabelScaleMax, in PodSpec.Labels, set the replica range
	// of a started pod (default 1..1). A pod with persistent volumes runs at most
	// one replica, because its volumes are ReadWriteOnce.
	LabelScaleMin = runtime.LabelScaleMin
	LabelScaleMax = runtime.LabelScaleMax

	annSpec    = "tpod.io/spec"    // JSON of PodSpec.WithoutSecrets()
	annStarted = "tpod.io/started" // "true" once Start ran: tells created from stopped
	annExit    = "tpod.io/exit"    // JSON of the container states a Stop ended with

	managedBy = "tpod"
	// Names of the objects inside a pod's namespace.
	objName        = "pod"
	denyAllName    = "default-deny"
	gatewayName    = "allow-gateway"
	egressName     = "allow-egress"
	pullSecretName = "tpod-registry"
	volPrefix      = "vol-"
	workloadSA     = "workload"
)

var labelValueRe = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)

// labelValue returns v if it is a valid label value, else a stable digest of it.
func labelValue(v string) string {
	if len(v) <= 63 && labelValueRe.MatchString(v) {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	return "sha256-" + hex.EncodeToString(sum[:20])
}

// scale is a started pod's replica range.
type scale struct{ min, max int32 }

func scaleOf(spec runtime.PodSpec) (scale, error) {
	s := scale{1, 1}
	parse := func(key string, dst *int32) error {
		v, ok := spec.Labels[key]
		if !ok {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 || n > 100 {
			return fmt.Errorf("label %s=%q: want 0..100: %w", key, v, runtime.ErrInvalid)
		}
		*dst = int32(n)
		return nil
	}
	if err := parse(LabelScaleMin, &s.min); err != nil {
		return s, err
	}
	if err := parse(LabelScaleMax, &s.max); err != nil {
		return s, err
	}
	if s.max < s.min {
		s.max = s.min
	}
	if s.max == 0 {
		s.max = 1
	}
	if hasPersistent(spec) {
		s.max = 1
		if s.min > 1 {
			s.min = 1
		}
	}
	return s, nil
}

// running returns the replicas a started pod runs with: scale-to-zero pods
// (min 0) are started on demand, so one replica.
func (s scale) running() int32 { return max(s.min, 1) }

func hasPersistent(spec runtime.PodSpec) bool {
	for _, v := range spec.Volumes {
		if v.Kind == runtime.Persistent {
			return true
		}
	}
	return false
}

func mib(n uint64) resource.Quantity { return *resource.NewQuantity(int64(n)<<20, resource.BinarySI) }
func milli(n uint64) resource.Quantity {
	return *resource.NewMilliQuantity(int64(n), resource.DecimalSI)
}
func count(n uint64) resource.Quantity { return *resource.NewQuantity(int64(n), resource.DecimalSI) }

// storageSplit returns the size of each persistent volume claim: the pod's
// storage bound shared evenly by its persistent volumes (the contract has no
// per-volume size), at least 1 MiB.
func storageSplit(spec runtime.PodSpec) uint64 {
	n := 0
	for _, v := range spec.Volumes {
		if v.Kind == runtime.Persistent {
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return max(spec.Resources().StorageMiB/uint64(n), 1)
}

// builder turns a runtime.PodSpec into Kubernetes objects. It holds no client;
// every method is a pure function of the spec and the config.
type builder struct {
	cfg Config
}

func (b builder) podLabels(id string) map[string]string {
	return map[string]string{LabelPod: id, LabelManagedBy: managedBy}
}

func (b builder) meta(ns, name string, id string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: ns, Labels: b.podLabels(id)}
}

func (b builder) namespace(name string, spec runtime.PodSpec, specJSON string) *corev1.Namespace {
	labels := b.podLabels(spec.ID)
	labels[LabelProvider] = b.cfg.Instance
	// Baseline pod security: no privileged containers, host namespaces or host
	// paths, whatever a compromised provider process might try to create.
	labels["pod-security.kubernetes.io/enforce"] = "baseline"
	ann := map[string]string{annSpec: specJSON}
	if ch, ok := spec.Labels[LabelChannel]; ok {
		labels[LabelChannel] = labelValue(ch)
		ann[LabelChannel] = ch
	}
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels, Annotations: ann}}
}

// serviceAccount is the workload's identity: no token, no permissions.
func (b builder) serviceAccount(ns, id string) *corev1.ServiceAccount {
	no := false
	return &corev1.ServiceAccount{ObjectMeta: b.meta(ns, workloadSA, id), AutomountServiceAccountToken: &no}
}

// volumeSecretName is the Secret holding a secret volume's files.
func volumeSecretName(vol string) string { return volPrefix + vol }

func (b builder) secrets(ns string, spec runtime.PodSpec) []*corev1.Secret {
	var out []*corev1.Secret
	for _, v := range spec.Volumes {
		if v.Kind != runtime.Secret {
			continue
		}
		data := make(map[string][]byte, len(v.Files))
		for name, bytes := range v.Files {
			data[name] = bytes
		}
		s := &corev1.Secret{ObjectMeta: b.meta(ns, volumeSecretName(v.Name), spec.ID), Type: corev1.SecretTypeOpaque, Data: data}
		immutable := false
		s.Immutable = &immutable
		out = append(out, s)
	}
	return out
}

func (b builder) claims(ns string, spec runtime.PodSpec) []*corev1.PersistentVolumeClaim {
	size := storageSplit(spec)
	var out []*corev1.PersistentVolumeClaim
	for _, v := range spec.Volumes {
		if v.Kind != runtime.Persistent {
			continue
		}
		c := &corev1.PersistentVolumeClaim{
			ObjectMeta: b.meta(ns, volPrefix+v.Name, spec.ID),
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: mib(size)},
				},
			},
		}
		if b.cfg.StorageClass != "" {
			sc := b.cfg.StorageClass
			c.Spec.StorageClassName = &sc
		}
		out = append(out, c)
	}
	return out
}

func (b builder) containerResources(r runtime.Resources) corev1.ResourceRequirements {
	l := corev1.ResourceList{}
	if r.CPUMillis > 0 {
		l[corev1.ResourceCPU] = milli(r.CPUMillis)
	}
	if r.MemoryMiB > 0 {
		l[corev1.ResourceMemory] = mib(r.MemoryMiB)
	}
	if r.StorageMiB > 0 {
		l[corev1.ResourceEphemeralStorage] = mib(r.StorageMiB)
	}
	if r.GPUs > 0 {
		l[corev1.ResourceName(b.cfg.GPUResource)] = count(r.GPUs)
	}
	// Requests equal limits: the pod is billed for what it reserves, and gets
	// the Guaranteed QoS class when CPU and memory are both set.
	return corev1.ResourceRequirements{Requests: l, Limits: l.DeepCopy()}
}

// podTemplate builds the workload pod. images maps container name to the
// image reference nodes pull.
func (b builder) podTemplate(spec runtime.PodSpec, images map[string]string, grace int64) corev1.PodTemplateSpec {
	no := false
	ps := corev1.PodSpec{
		ServiceAccountName:            workloadSA,
		AutomountServiceAccountToken:  &no, // tenant code gets no API credentials
		EnableServiceLinks:            &no,
		TerminationGracePeriodSeconds: &grace,
		SecurityContext: &corev1.PodSecurityContext{
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
	}
	if b.cfg.RuntimeClass != "" {
		rc := b.cfg.RuntimeClass
		ps.RuntimeClassName = &rc
	}
	if b.cfg.Images != nil {
		ps.ImagePullSecrets = []corev1.LocalObjectReference{{Name: pullSecretName}}
	}
	total := spec.Resources()
	for _, v := range spec.Volumes {
		vol := corev1.Volume{Name: v.Name}
		switch v.Kind {
		case runtime.EmptyDir:
			ed := &corev1.EmptyDirVolumeSource{}
			if total.StorageMiB > 0 {
				q := mib(total.StorageMiB)
				ed.SizeLimit = &q
			}
			vol.EmptyDir = ed
		case runtime.Persistent:
			vol.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: volPrefix + v.Name}
		case runtime.Secret:
			mode := int32(0o400)
			vol.Secret = &corev1.SecretVolumeSource{SecretName: volumeSecretName(v.Name), DefaultMode: &mode}
		}
		ps.Volumes = append(ps.Volumes, vol)
	}
	if hs := b.hostsSecret("", spec); hs != nil {
		mode := int32(0o444)
		ps.Volumes = append(ps.Volumes, corev1.Volume{Name: hostsSecretName,
			VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: hostsSecretName, DefaultMode: &mode}}})
	}
	for i, c := range spec.AllContainers() {
		isInit := i < len(spec.InitContainers)
		kc := corev1.Container{
			Name:            c.Name,
			Image:           images[c.Name],
			Command:         c.Command,
			Args:            c.Args,
			WorkingDir:      c.WorkDir,
			Resources:       b.containerResources(c.Resources),
			ImagePullPolicy: corev1.PullIfNotPresent,
			SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &no},
			// Logs are read through the API; the message on exit helps Status.
			TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		}
		keys := make([]string, 0, len(c.Env))
		for k := range c.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kc.Env = append(kc.Env, corev1.EnvVar{Name: k, Value: c.Env[k]})
		}
		for _, p := range c.Ports {
			kc.Ports = append(kc.Ports, corev1.ContainerPort{Name: portName(c.Name, p), ContainerPort: int32(p.ContainerPort), Protocol: protocol(p)})
		}
		for _, m := range c.Mounts {
			ro := m.ReadOnly
			for _, v := range spec.Volumes {
				if v.Name == m.Volume && v.Kind == runtime.Secret {
					ro = true
				}
			}
			kc.VolumeMounts = append(kc.VolumeMounts, corev1.VolumeMount{Name: m.Volume, MountPath: m.Path, ReadOnly: ro})
		}
		kc.LivenessProbe, kc.ReadinessProbe, kc.StartupProbe = probe(c.Liveness), probe(c.Readiness), probe(c.Startup)
		_ = securityContext(c, kc.SecurityContext) // checked by checkSpec
		if c.ShmSizeMiB > 0 {
			q := mib(c.ShmSizeMiB)
			ps.Volumes = append(ps.Volumes, corev1.Volume{Name: shmVolumeName(c.Name),
				VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: &q}}})
			kc.VolumeMounts = append(kc.VolumeMounts, corev1.VolumeMount{Name: shmVolumeName(c.Name), MountPath: "/dev/shm"})
		}
		if len(spec.Hostnames) > 0 {
			kc.VolumeMounts = append(kc.VolumeMounts, corev1.VolumeMount{Name: hostsSecretName, MountPath: "/etc/hosts", SubPath: "hosts", ReadOnly: true})
		}
		if !isInit {
			ps.Containers = append(ps.Containers, kc)
			continue
		}
		if c.Sidecar {
			always := corev1.ContainerRestartPolicyAlways
			kc.RestartPolicy = &always // a native sidecar
		}
		ps.InitContainers = append(ps.InitContainers, kc)
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: b.podLabels(spec.ID)},
		Spec:       ps,
	}
}

func protocol(p runtime.Port) corev1.Protocol {
	if p.Protocol == "udp" {
		return corev1.ProtocolUDP
	}
	return corev1.ProtocolTCP
}

// portName is the IANA_SVC_NAME-shaped name of a port: the port's own name if
// valid, else derived from the container and number (at most 15 characters).
func portName(container string, p runtime.Port) string {
	if n := p.Name; n != "" && len(n) <= 15 && portNameRe.MatchString(n) {
		return n
	}
	n := fmt.Sprintf("p%d", p.ContainerPort)
	if protocol(p) == corev1.ProtocolUDP {
		n += "u"
	}
	return n
}

var portNameRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

func (b builder) deployment(ns string, spec runtime.PodSpec, images map[string]string, grace int64, replicas int32, started bool) *appsv1.Deployment {
	d := &appsv1.Deployment{
		ObjectMeta: b.meta(ns, objName, spec.ID),
		Spec: appsv1.DeploymentSpec{
			Replicas:             &replicas,
			Selector:             &metav1.LabelSelector{MatchLabels: map[string]string{LabelPod: spec.ID}},
			Template:             b.podTemplate(spec, images, grace),
			RevisionHistoryLimit: ptr(int32(2)),
		},
	}
	d.Annotations = map[string]string{annStarted: strconv.FormatBool(started)}
	if hasPersistent(spec) {
		// ReadWriteOnce volumes cannot be attached to old and new pod at once.
		d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	}
	return d
}

func ptr[T any](v T) *T { return &v }

// autoscaler is the HorizontalPodAutoscaler of a started pod whose range is
// wider than one replica count (nil otherwise, or if CPU is not reserved).
func (b builder) autoscaler(ns string, spec runtime.PodSpec, s scale) *autoscalingv2.HorizontalPodAutoscaler {
	if s.max <= s.running() {
		return nil
	}
	for _, c := range spec.Containers {
		if c.Resources.CPUMillis == 0 {
			return nil // utilisation needs a CPU request on every container
		}
	}
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: b.meta(ns, objName, spec.ID),
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: objName},
			MinReplicas:    ptr(s.running()),
			MaxReplicas:    s.max,
			Metrics: []autoscalingv2.MetricSpec{{
				Type: autoscalingv2.ResourceMetricSourceType,
				Resource: &autoscalingv2.ResourceMetricSource{
					Name:   corev1.ResourceCPU,
					Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(80))},
				},
			}},
		},
	}
}

// service exposes every container port inside the cluster (ClusterIP only;
// the gateway is the one way in). Nil when no container has a port.
func (b builder) service(ns string, spec runtime.PodSpec) *corev1.Service {
	var ports []corev1.ServicePort
	for _, c := range spec.AllContainers() {
		for _, p := range c.Ports {
			ports = append(ports, corev1.ServicePort{
				Name:       portName(c.Name, p),
				Port:       int32(p.ContainerPort),
				TargetPort: intstr.FromInt32(int32(p.ContainerPort)),
				Protocol:   protocol(p),
			})
		}
	}
	if len(ports) == 0 {
		return nil
	}
	return &corev1.Service{
		ObjectMeta: b.meta(ns, objName, spec.ID),
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: map[string]string{LabelPod: spec.ID},
			Ports:    ports,
			// Readiness is reported in Status and the gateway acts on it;
			// the address reaches a replica that is not ready, as on
			// containerd.
			PublishNotReadyAddresses: true,
		},
	}
}

// networkPolicies returns a default-deny policy for the namespace, a policy
// admitting the provider's gateway to the pod's ports, and one allowing egress
// to Config.Egress (the internet, without the cluster's and private ranges)
// and to the cluster DNS.
func (b builder) networkPolicies(ns string, spec runtime.PodSpec) []*networkingv1.NetworkPolicy {
	both := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	deny := &networkingv1.NetworkPolicy{
		ObjectMeta: b.meta(ns, denyAllName, spec.ID),
		Spec:       networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{}, PolicyTypes: both},
	}
	var ports []networkingv1.NetworkPolicyPort
	for _, c := range spec.AllContainers() {
		for _, p := range c.Ports {
			proto := protocol(p)
			port := intstr.FromInt32(int32(p.ContainerPort))
			ports = append(ports, networkingv1.NetworkPolicyPort{Protocol: &proto, Port: &port})
		}
	}
	gateway := &networkingv1.NetworkPolicy{
		ObjectMeta: b.meta(ns, gatewayName, spec.ID),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{LabelPod: spec.ID}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": b.cfg.Namespace}},
					PodSelector:       &metav1.LabelSelector{MatchLabels: b.cfg.GatewaySelector},
				}},
				Ports: ports,
			}},
		},
	}
	out := []*networkingv1.NetworkPolicy{deny, gateway}
	if len(b.cfg.Egress) > 0 {
		var to []networkingv1.NetworkPolicyPeer
		for _, e := range b.cfg.Egress {
			to = append(to, networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: e.CIDR, Except: e.Except}})
		}
		udp, tcp := corev1.ProtocolUDP, corev1.ProtocolTCP
		dns := intstr.FromInt32(53)
		out = append(out, &networkingv1.NetworkPolicy{
			ObjectMeta: b.meta(ns, egressName, spec.ID),
			Spec: networkingv1.NetworkPolicySpec{
				PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{LabelPod: spec.ID}},
				PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
				Egress: []networkingv1.NetworkPolicyEgressRule{
					{To: to},
					{
						To: []networkingv1.NetworkPolicyPeer{{
							NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}},
							PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
						}},
						Ports: []networkingv1.NetworkPolicyPort{{Protocol: &udp, Port: &dns}, {Protocol: &tcp, Port: &dns}},
					},
				},
			},
		})
	}
	return out
}

// quota bounds everything the namespace may hold: the pod's reservation times
// the most replicas that can exist at once (max, plus one during a rolling
// update), its claims, and no NodePort or LoadBalancer services.
func (b builder) quota(ns string, spec runtime.PodSpec, s scale) *corev1.ResourceQuota {
	total := spec.Resources()
	pods := uint64(s.max) + 1
	hard := corev1.ResourceList{
		corev1.ResourcePods:                   count(pods),
		corev1.ResourceServices:               count(1),
		corev1.ResourceServicesNodePorts:      count(0),
		corev1.ResourceServicesLoadBalancers:  count(0),
		corev1.ResourcePersistentVolumeClaims: count(uint64(len(b.claims(ns, spec)))),
		corev1.ResourceSecrets:                count(uint64(len(b.secrets(ns, spec))) + 2), // + pull secret, hosts
		corev1.ResourceConfigMaps:             count(1),                                    // kube-root-ca.crt
	}
	all := func(f func(runtime.Resources) uint64) bool {
		for _, c := range spec.Containers {
			if f(c.Resources) == 0 {
				return false
			}
		}
		return true
	}
	if all(func(r runtime.Resources) uint64 { return r.CPUMillis }) {
		hard[corev1.ResourceRequestsCPU] = milli(total.CPUMillis * pods)
		hard[corev1.ResourceLimitsCPU] = milli(total.CPUMillis * pods)
	}
	if all(func(r runtime.Resources) uint64 { return r.MemoryMiB }) {
		hard[corev1.ResourceRequestsMemory] = mib(total.MemoryMiB * pods)
		hard[corev1.ResourceLimitsMemory] = mib(total.MemoryMiB * pods)
	}
	if all(func(r runtime.Resources) uint64 { return r.StorageMiB }) {
		hard[corev1.ResourceRequestsEphemeralStorage] = mib(total.StorageMiB * pods)
		hard[corev1.ResourceLimitsEphemeralStorage] = mib(total.StorageMiB * pods)
	}
	if n := storageSplit(spec); n > 0 {
		hard[corev1.ResourceRequestsStorage] = mib(n * uint64(len(b.claims(ns, spec))))
	}
	hard[corev1.ResourceName("requests."+b.cfg.GPUResource)] = count(total.GPUs * pods)
	return &corev1.ResourceQuota{ObjectMeta: b.meta(ns, objName, spec.ID), Spec: corev1.ResourceQuotaSpec{Hard: hard}}
}

// limitRange caps each container at the largest reservation of the spec and
// each claim at its size; containers without a reservation get none (the
// quota then omits that resource).
func (b builder) limitRange(ns string, spec runtime.PodSpec) *corev1.LimitRange {
	var most runtime.Resources
	for _, c := range spec.Containers {
		r := c.Resources
		most.CPUMillis = max(most.CPUMillis, r.CPUMillis)
		most.MemoryMiB = max(most.MemoryMiB, r.MemoryMiB)
		most.StorageMiB = max(most.StorageMiB, r.StorageMiB)
		most.GPUs = max(most.GPUs, r.GPUs)
	}
	cmax := b.containerResources(most).Limits
	items := []corev1.LimitRangeItem{}
	if len(cmax) > 0 {
		items = append(items, corev1.LimitRangeItem{Type: corev1.LimitTypeContainer, Max: cmax})
	}
	if n := storageSplit(spec); n > 0 {
		items = append(items, corev1.LimitRangeItem{Type: corev1.LimitTypePersistentVolumeClaim, Max: corev1.ResourceList{corev1.ResourceStorage: mib(n)}})
	}
	return &corev1.LimitRange{ObjectMeta: b.meta(ns, objName, spec.ID), Spec: corev1.LimitRangeSpec{Limits: items}}
}

// pullSecret is the image pull secret for the provider's in-cluster registry.
func (b builder) pullSecret(ns, id string, dockerConfigJSON []byte) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: b.meta(ns, pullSecretName, id),
		Type:       corev1.SecretTypeDockerConfigJson,
		Data:       map[string][]byte{corev1.DockerConfigJsonKey: dockerConfigJSON},
	}
}
