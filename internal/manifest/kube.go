package manifest

import (
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	kjson "sigs.k8s.io/json"
)

// Annotations that carry what Kubernetes has no field for.
const (
	AnnotationExpose      = "tpod.dev/expose"       // "8080=http,5432=tcp"
	AnnotationHostnames   = "tpod.dev/hostnames"    // "a.example,b.example" for every http port
	AnnotationScaleMin    = "tpod.dev/scale-min"    // "0" or "1"
	AnnotationIdleTimeout = "tpod.dev/idle-timeout" // "5m"
	AnnotationScaleIdle   = "tpod.dev/scale-idle"   // "stop" or "freeze"
	// AnnotationVolumeSize + volume name gives a persistentVolumeClaim volume its size.
	AnnotationVolumeSize = "tpod.dev/volume-size."
)

// GPU resource names counted as GPUs.
var gpuResources = []corev1.ResourceName{"nvidia.com/gpu", "amd.com/gpu", "gpu"}

// Kinds a Kubernetes file may hold, besides the workloads and what they use.
var (
	kubeRefused = map[string]string{
		"StatefulSet": "its per-replica identities and volume claims have no equivalent in one pod (hint: a Deployment with one replica and a PersistentVolumeClaim)",
		"DaemonSet":   "it runs on every node of a cluster; a pod runs on one provider",
		"Job":         "it runs to completion; a pod runs until stopped (hint: run one-off work as an init container)",
		"CronJob":     "it runs on a schedule; a pod runs until stopped",
	}
	kubeIgnored = map[string]string{
		"ServiceAccount": "pods get no API credentials", "Role": "pods get no API access", "ClusterRole": "pods get no API access",
		"RoleBinding": "pods get no API access", "ClusterRoleBinding": "pods get no API access",
		"NetworkPolicy": "pods are isolated from each other anyway", "HorizontalPodAutoscaler": "scale comes from the manifest",
		"PodDisruptionBudget": "no voluntary disruptions", "Namespace": "one pod, no namespaces", "LimitRange": "limits come from the containers",
		"ResourceQuota": "limits come from the containers", "PriorityClass": "no scheduling priorities",
		"StorageClass": "volumes are the provider's disks", "PersistentVolume": "volumes are the provider's disks",
		"Endpoints": "Services resolve to the pod", "EndpointSlice": "Services resolve to the pod",
		"CustomResourceDefinition": "no operators", "VerticalPodAutoscaler": "resources come from the manifest",
	}
)

// kobj is one object of the file.
type kobj struct {
	doc        int
	prefix     string // path prefix in the document ("" or "items[2].")
	apiVersion string
	kind, name string
	namespace  string
	raw        []byte
}

func (o kobj) String() string { return o.kind + "/" + o.name }

// workload is a Pod or a Deployment (or ReplicaSet, ReplicationController).
type workload struct {
	o        kobj
	labels   map[string]string
	ann      map[string]string
	spec     corev1.PodSpec
	specPath string // path of the pod spec in its document
	replicas int
	// names maps the file's container names to the pod's (renamed on a
	// clash between workloads).
	names map[string]string
}

type kubeLoad struct {
	*diag
	objs       []kobj
	configMaps map[string]*corev1.ConfigMap
	secrets    map[string]*corev1.Secret
	pvcs       map[string]*corev1.PersistentVolumeClaim
	services   []*corev1.Service
	svcObj     map[*corev1.Service]kobj
	ingresses  []*networkingv1.Ingress
	ingObj     map[*networkingv1.Ingress]kobj
	workloads  []*workload
	pod        *Pod
	fileSecret map[string][]byte
	ann        map[string]string // tpod.dev annotations of every workload
}

func loadKube(d *diag, docs []*yaml.Node) (*Pod, error) {
	kl := &kubeLoad{diag: d, configMaps: map[string]*corev1.ConfigMap{}, secrets: map[string]*corev1.Secret{},
		pvcs: map[string]*corev1.PersistentVolumeClaim{}, svcObj: map[*corev1.Service]kobj{}, ingObj: map[*networkingv1.Ingress]kobj{},
		fileSecret: map[string][]byte{}, ann: map[string]string{}}
	kl.collect(docs)
	kl.classify()
	if len(kl.workloads) == 0 {
		if len(kl.errs) > 0 {
			return nil, kl.err()
		}
		kl.bad(0, "", "no Pod or Deployment in the file", hint("tpod runs Pods and Deployments; a Service or ConfigMap alone is not a workload"))
		return nil, kl.err()
	}
	kl.pod = &Pod{Name: sanitizeLabel(kl.workloads[0].o.name)}
	for _, w := range kl.workloads {
		kl.workload(w)
	}
	kl.names()
	kl.expose()
	kl.scale()
	if len(kl.fileSecret) > 0 {
		kl.pod.FileSecrets = kl.fileSecret
	}
	return kl.pod, nil
}

// collect splits the documents into objects (List items included).
func (kl *kubeLoad) collect(docs []*yaml.Node) {
	for i, n := range docs {
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 || n.Content[0].Tag == "!!null" {
			continue
		}
		var v any
		if err := n.Decode(&v); err != nil {
			kl.bad(i, "", "%v", yamlError(err))
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			kl.bad(i, "", "an object is a mapping (key: value)")
			continue
		}
		kind, _ := m["kind"].(string)
		if items, ok := m["items"].([]any); ok && strings.HasSuffix(kind, "List") {
			for j, it := range items {
				kl.addObj(i, fmt.Sprintf("items[%d].", j), it)
			}
			continue
		}
		kl.addObj(i, "", m)
	}
}

func (kl *kubeLoad) addObj(doc int, prefix string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		kl.bad(doc, strings.TrimSuffix(prefix, "."), "an object is a mapping (key: value)")
		return
	}
	o := kobj{doc: doc, prefix: prefix}
	o.apiVersion, _ = m["apiVersion"].(string)
	o.kind, _ = m["kind"].(string)
	if meta, ok := m["metadata"].(map[string]any); ok {
		o.name, _ = meta["name"].(string)
		o.namespace, _ = meta["namespace"].(string)
	}
	if o.kind == "" || o.apiVersion == "" {
		kl.bad(doc, prefix+"kind", "an object needs apiVersion and kind")
		return
	}
	b, err := json.Marshal(m)
	if err != nil {
		kl.bad(doc, strings.TrimSuffix(prefix, "."), "%v", err)
		return
	}
	o.raw = b
	kl.objs = append(kl.objs, o)
}

// decode decodes o strictly into v: every unknown field and every value of
// the wrong type is reported (a wrong value is dropped and decoding retried,
// so that one mistake does not hide the others).
func (kl *kubeLoad) decode(o kobj, v any) bool {
	raw := o.raw
	ok := true
	for try := 0; try < 32; try++ {
		strict, err := kjson.UnmarshalStrict(raw, v, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
		if err != nil {
			ok = false
			p, msg := kubeDecodeError(err)
			kl.bad(o.doc, o.prefix+p, "%s: %s", o, msg)
			if raw = withoutPath(raw, p); raw == nil {
				return false
			}
			continue
		}
		for _, e := range strict {
			ok = false
			msg := e.Error()
			if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
				kl.bad(o.doc, o.prefix+m[1], "%s: unknown field %q", o, lastSegment(m[1]))
			} else {
				kl.bad(o.doc, strings.TrimSuffix(o.prefix, "."), "%s: %s", o, yamlError(e))
			}
		}
		return ok
	}
	return false
}

// withoutPath returns the JSON object raw without the field at the dotted
// path p (in every element of the lists on the way), or nil if there is
// nothing to remove.
func withoutPath(raw []byte, p string) []byte {
	if p == "" {
		return nil
	}
	var m any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	parts := strings.Split(p, ".")
	for i, part := range parts {
		if j := strings.IndexByte(part, '['); j >= 0 {
			parts[i] = part[:j]
		}
	}
	if !deletePath(m, parts) {
		return nil
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}

func deletePath(v any, parts []string) bool {
	switch x := v.(type) {
	case map[string]any:
		if len(parts) == 1 {
			_, ok := x[parts[0]]
			delete(x, parts[0])
			return ok
		}
		return deletePath(x[parts[0]], parts[1:])
	case []any:
		done := false
		for _, e := range x {
			done = deletePath(e, parts) || done
		}
		return done
	}
	return false
}

func lastSegment(p string) string {
	if i := strings.LastIndexAny(p, "."); i >= 0 {
		return p[i+1:]
	}
	return p
}

var kubeTypeErrRe = regexp.MustCompile(`cannot unmarshal (\w+) into Go (?:struct field|value of type) (?:\w+\.)?([\w.\[\]]*)(?: of type (\S+))?`)

// kubeDecodeError turns a decoding error into a path and a message without
// the json package's wording.
func kubeDecodeError(err error) (string, string) {
	msg := yamlError(err).Error()
	if m := kubeTypeErrRe.FindStringSubmatch(msg); m != nil {
		want := m[3]
		switch {
		case strings.HasPrefix(want, "int"), strings.HasPrefix(want, "uint"):
			want = "a number"
		case want == "string":
			want = "a string"
		case want == "bool":
			want = "true or false"
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case want == "":
			want = "another type"
		default:
			want = "a mapping"
		}
		return m[2], fmt.Sprintf("must be %s, not a %s", want, m[1])
	}
	return "", msg
}

// classify decodes each object by kind.
func (kl *kubeLoad) classify() {
	for _, o := range kl.objs {
		switch o.kind {
		case "Pod":
			var p corev1.Pod
			if kl.decode(o, &p) {
				kl.addWorkload(o, p.Labels, p.Annotations, p.Spec, "spec", 1)
			}
		case "Deployment":
			var dp appsv1.Deployment
			if kl.decode(o, &dp) {
				kl.addWorkload(o, dp.Spec.Template.Labels, merged(dp.Annotations, dp.Spec.Template.Annotations), dp.Spec.Template.Spec, "spec.template.spec", replicas(dp.Spec.Replicas))
			}
		case "ReplicaSet":
			var rs appsv1.ReplicaSet
			if kl.decode(o, &rs) {
				kl.addWorkload(o, rs.Spec.Template.Labels, merged(rs.Annotations, rs.Spec.Template.Annotations), rs.Spec.Template.Spec, "spec.template.spec", replicas(rs.Spec.Replicas))
			}
		case "ReplicationController":
			var rc corev1.ReplicationController
			if kl.decode(o, &rc) && rc.Spec.Template != nil {
				kl.addWorkload(o, rc.Spec.Template.Labels, merged(rc.Annotations, rc.Spec.Template.Annotations), rc.Spec.Template.Spec, "spec.template.spec", replicas(rc.Spec.Replicas))
			}
		case "ConfigMap":
			var cm corev1.ConfigMap
			if kl.decode(o, &cm) {
				kl.configMaps[o.name] = &cm
			}
		case "Secret":
			var s corev1.Secret
			if kl.decode(o, &s) {
				kl.secrets[o.name] = &s
			}
		case "PersistentVolumeClaim":
			var pvc corev1.PersistentVolumeClaim
			if kl.decode(o, &pvc) {
				kl.pvcs[o.name] = &pvc
			}
		case "Service":
			var s corev1.Service
			if kl.decode(o, &s) {
				kl.services = append(kl.services, &s)
				kl.svcObj[&s] = o
			}
		case "Ingress":
			var ing networkingv1.Ingress
			if kl.decode(o, &ing) {
				kl.ingresses = append(kl.ingresses, &ing)
				kl.ingObj[&ing] = o
			}
		default:
			if why, ok := kubeRefused[o.kind]; ok {
				kl.bad(o.doc, o.prefix+"kind", "%s: refused: %s", o, why)
			} else if why, ok := kubeIgnored[o.kind]; ok {
				kl.warn(o.doc, o.prefix+"kind", "%s: ignored: %s", o, why)
			} else {
				kl.warn(o.doc, o.prefix+"kind", "%s (%s): ignored: not a kind tpod runs", o, o.apiVersion)
			}
		}
	}
}

func replicas(r *int32) int {
	if r == nil {
		return 1
	}
	return int(*r)
}

func merged(a, b map[string]string) map[string]string {
	out := map[string]string{}
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}

func (kl *kubeLoad) addWorkload(o kobj, labels, ann map[string]string, spec corev1.PodSpec, specPath string, n int) {
	kl.workloads = append(kl.workloads, &workload{o: o, labels: labels, ann: ann, spec: spec, specPath: o.prefix + specPath, replicas: n, names: map[string]string{}})
	for k, v := range ann {
		if strings.HasPrefix(k, "tpod.dev/") {
			kl.ann[k] = v
		}
	}
}

// workload maps one workload's pod spec into the pod.
func (kl *kubeLoad) workload(w *workload) {
	sp := w.spec
	kl.podSpecFields(w)
	policy := RestartAlways
	switch sp.RestartPolicy {
	case corev1.RestartPolicyNever:
		policy = RestartNever
	case corev1.RestartPolicyOnFailure:
		policy = RestartOnFailure
	}
	for i, c := range sp.InitContainers {
		cp := fmt.Sprintf("%s.initContainers[%d]", w.specPath, i)
		out := kl.container(w, cp, c)
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			out.Sidecar, out.Restart = true, RestartAlways
		} else {
			out.Restart = map[string]string{RestartAlways: RestartOnFailure, RestartOnFailure: RestartOnFailure, RestartNever: RestartNever}[policy]
			out.Liveness, out.Readiness, out.Startup = nil, nil, nil
		}
		kl.pod.InitContainers = append(kl.pod.InitContainers, out)
	}
	for i, c := range sp.Containers {
		out := kl.container(w, fmt.Sprintf("%s.containers[%d]", w.specPath, i), c)
		out.Restart = policy
		kl.pod.Containers = append(kl.pod.Containers, out)
	}
	for i, v := range sp.Volumes {
		kl.volume(w, fmt.Sprintf("%s.volumes[%d]", w.specPath, i), v)
	}
}

// podSpecFields refuses what would grant the pod the host's namespaces and
// warns about scheduling fields that mean nothing for one pod.
func (kl *kubeLoad) podSpecFields(w *workload) {
	sp, p, doc := w.spec, w.specPath, w.o.doc
	for _, f := range []struct {
		on   bool
		name string
	}{{sp.HostNetwork, "hostNetwork"}, {sp.HostPID, "hostPID"}, {sp.HostIPC, "hostIPC"}} {
		if f.on {
			kl.bad(doc, p+"."+f.name, "%s: refused: %s shares the provider's namespaces", w.o, f.name)
		}
	}
	if sp.HostUsers != nil && *sp.HostUsers {
		kl.warn(doc, p+".hostUsers", "%s: ignored", w.o)
	}
	if sc := sp.SecurityContext; sc != nil {
		if len(sc.Sysctls) > 0 {
			kl.warn(doc, p+".securityContext.sysctls", "%s: sysctls are ignored: the runtime's defaults apply", w.o)
		}
		if sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeUnconfined {
			kl.bad(doc, p+".securityContext.seccompProfile", "%s: refused: an unconfined seccomp profile weakens the sandbox", w.o)
		}
		if sc.FSGroup != nil {
			kl.warn(doc, p+".securityContext.fsGroup", "%s: fsGroup is ignored: volumes are writable by every user of the pod", w.o)
		}
	}
	if len(sp.EphemeralContainers) > 0 {
		kl.bad(doc, p+".ephemeralContainers", "%s: refused: ephemeral containers are for debugging a running cluster pod", w.o)
	}
	if sp.ShareProcessNamespace != nil && *sp.ShareProcessNamespace {
		kl.warn(doc, p+".shareProcessNamespace", "%s: ignored: each container has its own process namespace", w.o)
	}
	if len(sp.HostAliases) > 0 {
		kl.warn(doc, p+".hostAliases", "%s: ignored: only the pod's own names are in /etc/hosts", w.o)
	}
	var ignored []string
	for _, f := range []struct {
		set  bool
		name string
	}{
		{len(sp.NodeSelector) > 0, "nodeSelector"}, {sp.Affinity != nil, "affinity"}, {len(sp.Tolerations) > 0, "tolerations"},
		{len(sp.TopologySpreadConstraints) > 0, "topologySpreadConstraints"}, {sp.PriorityClassName != "", "priorityClassName"},
		{sp.SchedulerName != "", "schedulerName"}, {sp.ServiceAccountName != "" && sp.ServiceAccountName != "default", "serviceAccountName"},
		{sp.DNSConfig != nil, "dnsConfig"}, {sp.RuntimeClassName != nil, "runtimeClassName"},
		{sp.TerminationGracePeriodSeconds != nil, "terminationGracePeriodSeconds"}, {len(sp.ReadinessGates) > 0, "readinessGates"},
		{sp.NodeName != "", "nodeName"}, {sp.Hostname != "", "hostname"}, {sp.Subdomain != "", "subdomain"},
	} {
		if f.set {
			ignored = append(ignored, f.name)
		}
	}
	if len(ignored) > 0 {
		kl.warn(doc, p, "%s: ignored (they mean nothing for one pod on a provider): %s", w.o, strings.Join(ignored, ", "))
	}
}

// container maps one container (init or not).
func (kl *kubeLoad) container(w *workload, cp string, c corev1.Container) Container {
	doc := w.o.doc
	name := c.Name
	if kl.containerNameTaken(name) {
		name = w.o.name + "-" + c.Name
		kl.warn(doc, cp+".name", "%s: container %q is renamed %q: another workload has a container of that name", w.o, c.Name, name)
	}
	w.names[c.Name] = name
	kl.from("container "+name, doc, cp)
	out := Container{Name: name, Image: c.Image, Command: c.Command, Args: c.Args, WorkingDir: c.WorkingDir}
	out.Env = kl.env(w, cp, c)
	kl.ports(w, cp, c, &out)
	kl.resources(w, cp, c, &out)
	for _, m := range c.VolumeMounts {
		out.VolumeMounts = append(out.VolumeMounts, VolumeMount{Name: kl.volumeName(w, m.Name), MountPath: path.Clean(m.MountPath), ReadOnly: m.ReadOnly, SubPath: m.SubPath})
	}
	kl.securityContext(w, cp, c, &out)
	out.Liveness = kl.probe(w, cp+".livenessProbe", c, c.LivenessProbe)
	out.Readiness = kl.probe(w, cp+".readinessProbe", c, c.ReadinessProbe)
	out.Startup = kl.probe(w, cp+".startupProbe", c, c.StartupProbe)
	if c.Lifecycle != nil {
		kl.warn(doc, cp+".lifecycle", "%s: container %s: lifecycle hooks are not run", w.o, c.Name)
	}
	if len(c.VolumeDevices) > 0 {
		kl.bad(doc, cp+".volumeDevices", "%s: refused: raw block devices are not offered", w.o)
	}
	return out
}

func (kl *kubeLoad) containerNameTaken(name string) bool {
	for _, c := range kl.pod.AllContainers() {
		if c.Name == name {
			return true
		}
	}
	return false
}

// env resolves values from ConfigMaps and Secrets of the file, the pod's
// name and address, and the container's resources.
func (kl *kubeLoad) env(w *workload, cp string, c corev1.Container) []EnvVar {
	var out []EnvVar
	set := func(e EnvVar) {
		for i := range out {
			if out[i].Name == e.Name {
				out[i] = e // a later definition wins, as in Kubernetes
				return
			}
		}
		out = append(out, e)
	}
	for i, ef := range c.EnvFrom {
		ep := fmt.Sprintf("%s.envFrom[%d]", cp, i)
		switch {
		case ef.ConfigMapRef != nil:
			cm, ok := kl.configMaps[ef.ConfigMapRef.Name]
			if !ok {
				kl.missing(w, ep, "ConfigMap", ef.ConfigMapRef.Name, ef.ConfigMapRef.Optional)
				continue
			}
			for _, k := range slices.Sorted(mapKeys(cm.Data)) {
				set(EnvVar{Name: ef.Prefix + k, Value: cm.Data[k]})
			}
		case ef.SecretRef != nil:
			s, ok := kl.secrets[ef.SecretRef.Name]
			if !ok {
				kl.missing(w, ep, "Secret", ef.SecretRef.Name, ef.SecretRef.Optional)
				continue
			}
			for _, k := range kl.secretKeys(s) {
				set(EnvVar{Name: ef.Prefix + k, Secret: kl.secretRef(s.Name, k)})
			}
		}
	}
	for i, e := range c.Env {
		ep := fmt.Sprintf("%s.env[%d]", cp, i)
		if e.ValueFrom == nil {
			set(EnvVar{Name: e.Name, Value: e.Value})
			continue
		}
		if v, ok := kl.envFrom(w, ep, c, e); ok {
			v.Name = e.Name
			set(v)
		}
	}
	return out
}

func (kl *kubeLoad) envFrom(w *workload, ep string, c corev1.Container, e corev1.EnvVar) (EnvVar, bool) {
	vf := e.ValueFrom
	switch {
	case vf.ConfigMapKeyRef != nil:
		ref := vf.ConfigMapKeyRef
		cm, ok := kl.configMaps[ref.Name]
		if !ok {
			kl.missing(w, ep+".valueFrom.configMapKeyRef", "ConfigMap", ref.Name, ref.Optional)
			return EnvVar{}, false
		}
		v, ok := cm.Data[ref.Key]
		if !ok {
			if ref.Optional == nil || !*ref.Optional {
				kl.bad(w.o.doc, ep+".valueFrom.configMapKeyRef.key", "%s: ConfigMap %s has no key %q", w.o, ref.Name, ref.Key)
			}
			return EnvVar{}, false
		}
		return EnvVar{Value: v}, true
	case vf.SecretKeyRef != nil:
		ref := vf.SecretKeyRef
		if s, ok := kl.secrets[ref.Name]; ok {
			if !slices.Contains(kl.secretKeys(s), ref.Key) {
				kl.bad(w.o.doc, ep+".valueFrom.secretKeyRef.key", "%s: Secret %s has no key %q", w.o, ref.Name, ref.Key)
				return EnvVar{}, false
			}
			return EnvVar{Secret: kl.secretRef(ref.Name, ref.Key)}, true
		}
		name := secretKeyName(ref.Name, ref.Key)
		kl.warn(w.o.doc, ep+".valueFrom.secretKeyRef", "%s: Secret %s is not in the file: its key %s is the bundle secret %s", w.o, ref.Name, ref.Key, name,
			hint("give it with --secret "+name+"=FILE"))
		return EnvVar{Secret: name}, true
	case vf.FieldRef != nil:
		switch vf.FieldRef.FieldPath {
		case "metadata.name":
			return EnvVar{Value: kl.pod.Name}, true
		case "metadata.namespace":
			return EnvVar{Value: namespaceOf(w.o)}, true
		case "status.podIP", "status.podIPs":
			return EnvVar{FieldRef: FieldPodIP}, true
		case "spec.nodeName", "status.hostIP", "status.hostIPs":
			kl.warn(w.o.doc, ep+".valueFrom.fieldRef", "%s: %s is not revealed on a provider: %s is empty", w.o, vf.FieldRef.FieldPath, e.Name)
			return EnvVar{}, true
		default:
			kl.bad(w.o.doc, ep+".valueFrom.fieldRef", "%s: field %s is not supported", w.o, vf.FieldRef.FieldPath, hint("supported: metadata.name, metadata.namespace, status.podIP"))
		}
	case vf.ResourceFieldRef != nil:
		v, err := resourceField(c, vf.ResourceFieldRef)
		if err != nil {
			kl.bad(w.o.doc, ep+".valueFrom.resourceFieldRef", "%s: %v", w.o, err)
			return EnvVar{}, false
		}
		return EnvVar{Value: v}, true
	default:
		kl.bad(w.o.doc, ep+".valueFrom", "%s: not supported", w.o)
	}
	return EnvVar{}, false
}

func namespaceOf(o kobj) string {
	if o.namespace == "" {
		return "default"
	}
	return o.namespace
}

// resourceField gives limits.cpu, requests.memory and the like, divided by
// the divisor (default 1), rounded up as Kubernetes does.
func resourceField(c corev1.Container, ref *corev1.ResourceFieldSelector) (string, error) {
	kind, res, ok := strings.Cut(ref.Resource, ".")
	if !ok {
		return "", fmt.Errorf("resource %q", ref.Resource)
	}
	list := c.Resources.Limits
	if kind == "requests" {
		list = c.Resources.Requests
	}
	q, ok := list[corev1.ResourceName(res)]
	if !ok {
		q = resource.MustParse("0")
	}
	div := ref.Divisor
	if div.IsZero() {
		div = resource.MustParse("1")
	}
	if res == "cpu" {
		return strconv.FormatInt((q.MilliValue()+div.MilliValue()-1)/div.MilliValue(), 10), nil
	}
	return strconv.FormatInt((q.Value()+div.Value()-1)/div.Value(), 10), nil
}

func (kl *kubeLoad) missing(w *workload, p, kind, name string, optional *bool) {
	if optional != nil && *optional {
		return
	}
	kl.bad(w.o.doc, p, "%s: %s %q is not defined in the file", w.o, kind, name, hint("add the "+kind+" to the file"))
}

// secretKeys lists a Secret's keys (data and stringData) and records their
// values as bundle secrets.
func (kl *kubeLoad) secretKeys(s *corev1.Secret) []string {
	keys := map[string]bool{}
	for k := range s.Data {
		keys[k] = true
	}
	for k := range s.StringData {
		keys[k] = true
	}
	return slices.Sorted(mapKeys(keys))
}

// secretRef records the value of a Secret's key defined in the file and
// returns its bundle secret name.
func (kl *kubeLoad) secretRef(name, key string) string {
	s := kl.secrets[name]
	v, ok := s.StringData[key]
	b := []byte(v)
	if !ok {
		b = s.Data[key]
	}
	n := secretKeyName(name, key)
	kl.fileSecret[n] = b
	return n
}

// secretKeyName is the bundle secret holding key of a Kubernetes Secret.
func secretKeyName(name, key string) string { return name + "." + key }

func (kl *kubeLoad) ports(w *workload, cp string, c corev1.Container, out *Container) {
	for j, pt := range c.Ports {
		pp := fmt.Sprintf("%s.ports[%d]", cp, j)
		if pt.HostPort != 0 || pt.HostIP != "" {
			kl.bad(w.o.doc, pp+".hostPort", "%s: refused: hostPort binds a port of the provider's host", w.o, hint("remove it; a Service of type LoadBalancer exposes the port"))
		}
		if pt.ContainerPort < 1 || pt.ContainerPort > 65535 {
			kl.bad(w.o.doc, pp+".containerPort", "%s: must be 1..65535", w.o)
			continue
		}
		out.Ports = append(out.Ports, Port{Name: pt.Name, ContainerPort: uint16(pt.ContainerPort), Protocol: string(pt.Protocol)})
	}
}

var silentResources = map[corev1.ResourceName]bool{corev1.ResourceCPU: true, corev1.ResourceMemory: true, corev1.ResourceEphemeralStorage: true}

// resources: limits are what the provider enforces; requests stand in when
// absent. Extended resources other than GPUs are refused.
func (kl *kubeLoad) resources(w *workload, cp string, c corev1.Container, out *Container) {
	get := func(name corev1.ResourceName) (resource.Quantity, bool) {
		if q, ok := c.Resources.Limits[name]; ok {
			return q, true
		}
		q, ok := c.Resources.Requests[name]
		return q, ok
	}
	r := &out.Resources
	if q, ok := get(corev1.ResourceCPU); ok {
		r.CPUMilli = uint64(max(q.MilliValue(), 0))
	}
	if q, ok := get(corev1.ResourceMemory); ok {
		r.MemoryMiB = mib(q.Value())
	}
	if q, ok := get(corev1.ResourceEphemeralStorage); ok {
		r.StorageMiB = mib(q.Value())
	}
	for _, g := range gpuResources {
		if q, ok := get(g); ok {
			r.GPUMilli += uint64(max(q.MilliValue(), 0))
		}
	}
	for _, list := range []struct {
		name string
		l    corev1.ResourceList
	}{{"limits", c.Resources.Limits}, {"requests", c.Resources.Requests}} {
		names := make([]string, 0, len(list.l))
		for n := range list.l {
			names = append(names, string(n))
		}
		slices.Sort(names)
		for _, name := range names {
			if !silentResources[corev1.ResourceName(name)] && !slices.Contains(gpuResources, corev1.ResourceName(name)) {
				kl.bad(w.o.doc, cp+".resources."+list.name+"."+name, "%s: refused: resource %s is not offered (only cpu, memory, ephemeral-storage and GPUs)", w.o, name)
			}
		}
	}
}

// securityContext maps user, read-only root and dropped capabilities, and
// refuses privileges beyond the default sandbox.
func (kl *kubeLoad) securityContext(w *workload, cp string, c corev1.Container, out *Container) {
	doc := w.o.doc
	uid, gid := (*int64)(nil), (*int64)(nil)
	if psc := w.spec.SecurityContext; psc != nil {
		uid, gid = psc.RunAsUser, psc.RunAsGroup
	}
	sc := c.SecurityContext
	if sc != nil {
		if sc.RunAsUser != nil {
			uid = sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			gid = sc.RunAsGroup
		}
		if sc.Privileged != nil && *sc.Privileged {
			kl.bad(doc, cp+".securityContext.privileged", "%s: refused: a privileged container gets the host's devices and every capability", w.o)
		}
		if sc.ReadOnlyRootFilesystem != nil {
			out.ReadOnlyRootFS = *sc.ReadOnlyRootFilesystem
		}
		if sc.Capabilities != nil {
			for _, cap := range sc.Capabilities.Drop {
				out.CapDrop = append(out.CapDrop, strings.TrimPrefix(strings.ToUpper(string(cap)), "CAP_"))
			}
			for j, cap := range sc.Capabilities.Add {
				name := strings.TrimPrefix(strings.ToUpper(string(cap)), "CAP_")
				if !slices.Contains(defaultCaps, name) {
					kl.bad(doc, fmt.Sprintf("%s.securityContext.capabilities.add[%d]", cp, j), "%s: refused: %s would give the container more than the default capabilities", w.o, name,
						hint("allowed (they are in the default set anyway): "+strings.Join(defaultCaps, ", ")))
				}
			}
		}
		if sc.ProcMount != nil && *sc.ProcMount == corev1.UnmaskedProcMount {
			kl.bad(doc, cp+".securityContext.procMount", "%s: refused: an unmasked /proc", w.o)
		}
		if sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeUnconfined {
			kl.bad(doc, cp+".securityContext.seccompProfile", "%s: refused: an unconfined seccomp profile weakens the sandbox", w.o)
		}
	}
	if uid != nil {
		out.User = strconv.FormatInt(*uid, 10)
		if gid != nil {
			out.User += ":" + strconv.FormatInt(*gid, 10)
		}
	}
}

// probe maps a Kubernetes probe; a named port is looked up in the
// container's ports.
func (kl *kubeLoad) probe(w *workload, pp string, c corev1.Container, p *corev1.Probe) *Probe {
	if p == nil {
		return nil
	}
	out := &Probe{
		InitialDelay: seconds(p.InitialDelaySeconds), Period: seconds(p.PeriodSeconds), Timeout: seconds(p.TimeoutSeconds),
		SuccessThreshold: int(p.SuccessThreshold), FailureThreshold: int(p.FailureThreshold),
	}
	port := func(sub string, v intstr.IntOrString) uint16 {
		if v.Type == intstr.Int {
			if v.IntVal < 1 || v.IntVal > 65535 {
				kl.bad(w.o.doc, pp+sub, "%s: port must be 1..65535", w.o)
				return 0
			}
			return uint16(v.IntVal)
		}
		for _, cport := range c.Ports {
			if cport.Name == v.StrVal {
				return uint16(cport.ContainerPort)
			}
		}
		kl.bad(w.o.doc, pp+sub, "%s: container %s has no port named %q", w.o, c.Name, v.StrVal)
		return 0
	}
	switch {
	case p.Exec != nil:
		out.Exec = p.Exec.Command
	case p.HTTPGet != nil:
		if p.HTTPGet.Scheme == corev1.URISchemeHTTPS {
			kl.warn(w.o.doc, pp+".httpGet.scheme", "%s: an HTTPS probe is checked as a TCP connection", w.o)
			out.TCPPort = port(".httpGet.port", p.HTTPGet.Port)
			break
		}
		out.HTTPGet = &HTTPGetProbe{Port: port(".httpGet.port", p.HTTPGet.Port), Path: p.HTTPGet.Path}
		for _, h := range p.HTTPGet.HTTPHeaders {
			out.HTTPGet.Headers = append(out.HTTPGet.Headers, EnvVar{Name: h.Name, Value: h.Value})
		}
	case p.TCPSocket != nil:
		out.TCPPort = port(".tcpSocket.port", p.TCPSocket.Port)
	case p.GRPC != nil:
		kl.warn(w.o.doc, pp+".grpc", "%s: a gRPC probe is checked as a TCP connection", w.o)
		if p.GRPC.Port < 1 || p.GRPC.Port > 65535 {
			kl.bad(w.o.doc, pp+".grpc.port", "%s: port must be 1..65535", w.o)
			return nil
		}
		out.TCPPort = uint16(p.GRPC.Port)
	default:
		kl.bad(w.o.doc, pp, "%s: a probe needs exec, httpGet, tcpSocket or grpc", w.o)
		return nil
	}
	return out
}

func seconds(n int32) Duration { return Duration(time.Duration(max(n, 0)) * time.Second) }

// volumeName is the pod's name for a workload's volume (prefixed with the
// workload's name when another workload has a volume of that name).
func (kl *kubeLoad) volumeName(w *workload, name string) string {
	for _, o := range kl.workloads {
		if o == w {
			break
		}
		for _, v := range o.spec.Volumes {
			if v.Name == name {
				return w.o.name + "-" + name
			}
		}
	}
	return name
}

// volume maps one volume of a workload.
func (kl *kubeLoad) volume(w *workload, vp string, v corev1.Volume) {
	doc := w.o.doc
	out := Volume{Name: kl.volumeName(w, v.Name)}
	kl.from("volume "+out.Name, doc, vp)
	// A refused volume still gets a placeholder, so its mounts raise no
	// second problem (the pod is refused anyway).
	placeholder := Volume{Name: out.Name, EmptyDir: &EmptyDirVolume{}}
	switch {
	case v.EmptyDir != nil:
		out.EmptyDir = &EmptyDirVolume{}
		if v.EmptyDir.SizeLimit != nil {
			out.EmptyDir.SizeMiB = mib(v.EmptyDir.SizeLimit.Value())
		}
	case v.PersistentVolumeClaim != nil:
		out.Persistent = &PersistentVolume{SizeMiB: kl.claimSize(w, vp, v)}
	case v.ConfigMap != nil:
		cm, ok := kl.configMaps[v.ConfigMap.Name]
		if !ok {
			kl.missing(w, vp+".configMap", "ConfigMap", v.ConfigMap.Name, v.ConfigMap.Optional)
			kl.pod.Volumes = append(kl.pod.Volumes, placeholder)
			return
		}
		out.Config = &ConfigVolume{}
		for _, kp := range kl.items(w, vp+".configMap.items", keysOf(cm), v.ConfigMap.Items) {
			data, ok := cm.Data[kp[0]]
			if !ok {
				data = string(cm.BinaryData[kp[0]])
			}
			out.Config.Files = append(out.Config.Files, ConfigFile{Path: kp[1], Data: data})
		}
	case v.Secret != nil:
		out.Secret = kl.secretVolume(w, vp, v.Secret)
	default:
		kl.bad(doc, vp, "%s: volume %s: refused: %s volumes need storage or access outside the pod", w.o, v.Name, volumeKind(v),
			hint("use emptyDir, persistentVolumeClaim, configMap or secret"))
		kl.pod.Volumes = append(kl.pod.Volumes, placeholder)
		return
	}
	kl.pod.Volumes = append(kl.pod.Volumes, out)
}

func keysOf(cm *corev1.ConfigMap) []string {
	keys := slices.Collect(mapKeys(cm.Data))
	keys = append(keys, slices.Collect(mapKeys(cm.BinaryData))...)
	slices.Sort(keys)
	return keys
}

// items returns (key, file) pairs: every key, or the listed items.
func (kl *kubeLoad) items(w *workload, ip string, keys []string, items []corev1.KeyToPath) [][2]string {
	var out [][2]string
	if len(items) == 0 {
		for _, k := range keys {
			out = append(out, [2]string{k, k})
		}
		return out
	}
	for j, it := range items {
		if !slices.Contains(keys, it.Key) {
			kl.bad(w.o.doc, fmt.Sprintf("%s[%d].key", ip, j), "%s: no key %q", w.o, it.Key)
			continue
		}
		if strings.Contains(it.Path, "/") {
			kl.bad(w.o.doc, fmt.Sprintf("%s[%d].path", ip, j), "%s: %q: files in subdirectories are not supported", w.o, it.Path,
				hint("mount the volume at the subdirectory instead"))
			continue
		}
		out = append(out, [2]string{it.Key, it.Path})
	}
	return out
}

func (kl *kubeLoad) secretVolume(w *workload, vp string, v *corev1.SecretVolumeSource) *SecretVolume {
	s, ok := kl.secrets[v.SecretName]
	if ok {
		out := &SecretVolume{}
		for _, kp := range kl.items(w, vp+".secret.items", kl.secretKeys(s), v.Items) {
			out.Items = append(out.Items, SecretItem{Secret: kl.secretRef(s.Name, kp[0]), Path: kp[1]})
		}
		return out
	}
	if len(v.Items) == 0 {
		// Not in the file: one file named after the secret, whose value is
		// given at bundle time (--secret NAME=FILE).
		kl.warn(w.o.doc, vp+".secret", "%s: Secret %s is not in the file: the volume holds one file %s", w.o, v.SecretName, v.SecretName,
			hint("give it with --secret "+v.SecretName+"=FILE, or add the Secret to the file"))
		return &SecretVolume{Secrets: []string{v.SecretName}}
	}
	out := &SecretVolume{}
	for j, it := range v.Items {
		if strings.Contains(it.Path, "/") {
			kl.bad(w.o.doc, fmt.Sprintf("%s.secret.items[%d].path", vp, j), "%s: %q: files in subdirectories are not supported", w.o, it.Path)
			continue
		}
		name := secretKeyName(v.SecretName, it.Key)
		out.Items = append(out.Items, SecretItem{Secret: name, Path: it.Path})
		kl.warn(w.o.doc, fmt.Sprintf("%s.secret.items[%d]", vp, j), "%s: Secret %s is not in the file: its key %s is the bundle secret %s", w.o, v.SecretName, it.Key, name,
			hint("give it with --secret "+name+"=FILE"))
	}
	return out
}

func volumeKind(v corev1.Volume) string {
	b, _ := json.Marshal(v.VolumeSource)
	var m map[string]any
	json.Unmarshal(b, &m)
	for k := range m {
		return k
	}
	return "these"
}

// claimSize: the PersistentVolumeClaim of the file, else the annotation,
// else 1 GiB with a warning.
func (kl *kubeLoad) claimSize(w *workload, vp string, v corev1.Volume) uint64 {
	key := AnnotationVolumeSize + v.Name
	if s, ok := w.ann[key]; ok {
		n, err := mebibytes("", s)
		if err != nil || n == 0 {
			kl.bad(w.o.doc, w.o.prefix+"metadata.annotations", "%s: annotation %s: %q is not a size", w.o, key, s)
		}
		return n
	}
	if pvc, ok := kl.pvcs[v.PersistentVolumeClaim.ClaimName]; ok {
		if q, ok := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; ok && q.Sign() > 0 {
			return mib(q.Value())
		}
		if q, ok := pvc.Spec.Resources.Limits[corev1.ResourceStorage]; ok && q.Sign() > 0 {
			return mib(q.Value())
		}
	}
	kl.warn(w.o.doc, vp+".persistentVolumeClaim", "%s: claim %s has no size in the file: 1Gi", w.o, v.PersistentVolumeClaim.ClaimName,
		hint("add the PersistentVolumeClaim with resources.requests.storage, or the annotation "+key))
	return 1024
}

// names: every Service (with its cluster DNS forms) and every container
// name resolves to the pod inside it.
func (kl *kubeLoad) names() {
	add := func(n string) {
		if n != "" && !slices.Contains(kl.pod.Hostnames, n) {
			kl.pod.Hostnames = append(kl.pod.Hostnames, n)
		}
	}
	for _, s := range kl.services {
		ns := namespaceOf(kl.svcObj[s])
		add(s.Name)
		add(s.Name + "." + ns)
		add(s.Name + "." + ns + ".svc")
		add(s.Name + "." + ns + ".svc.cluster.local")
	}
	for _, c := range kl.pod.AllContainers() {
		add(c.Name)
	}
}

// expose decides which ports leave the pod: those of LoadBalancer and
// NodePort Services and of Ingress backends, and the tpod.dev/expose
// annotation. ClusterIP Services stay inside the pod (their names resolve).
func (kl *kubeLoad) expose() {
	for _, s := range kl.services {
		o := kl.svcObj[s]
		external := s.Spec.Type == corev1.ServiceTypeLoadBalancer || s.Spec.Type == corev1.ServiceTypeNodePort
		for j, sp := range s.Spec.Ports {
			pp := fmt.Sprintf("%sspec.ports[%d]", o.prefix, j)
			port := kl.servicePort(s, o, pp, sp)
			if port == nil {
				continue
			}
			if sp.Port != int32(port.ContainerPort) {
				kl.warn(o.doc, pp, "%s: port %d forwards to %d: inside the pod, %s:%d does not answer; use %s:%d", o, sp.Port, port.ContainerPort, s.Name, sp.Port, s.Name, port.ContainerPort)
			}
			if external && port.Expose == ExposeNone {
				port.Expose = exposeKind(sp, port.ContainerPort)
				if sp.NodePort != 0 {
					kl.warn(o.doc, pp+".nodePort", "%s: nodePort %d is not used: the provider assigns the endpoint (tpod pod status shows it)", o, sp.NodePort)
				}
			}
		}
	}
	for _, ing := range kl.ingresses {
		kl.ingress(ing)
	}
	kl.exposeAnnotations()
}

// servicePort finds the container port a Service port targets (adding it
// to the selected container when it was not declared).
func (kl *kubeLoad) servicePort(s *corev1.Service, o kobj, pp string, sp corev1.ServicePort) *Port {
	if len(s.Spec.Selector) == 0 {
		kl.warn(o.doc, o.prefix+"spec", "%s: has no selector: only its name is used", o)
		return nil
	}
	var target *workload
	for _, w := range kl.workloads {
		if selects(s.Spec.Selector, w.labels) {
			target = w
			break
		}
	}
	if target == nil {
		kl.warn(o.doc, o.prefix+"spec.selector", "%s: selects no Pod or Deployment of the file: only its name is used", o)
		return nil
	}
	tp := sp.TargetPort
	if tp.Type == intstr.Int && tp.IntVal == 0 {
		tp = intstr.FromInt32(sp.Port)
	}
	proto := string(sp.Protocol)
	if proto == "" {
		proto = "TCP"
	}
	for ci := range kl.pod.Containers {
		c := &kl.pod.Containers[ci]
		if !slices.Contains(slices.Collect(maps.Values(target.names)), c.Name) {
			continue
		}
		for pi := range c.Ports {
			p := &c.Ports[pi]
			if (tp.Type == intstr.String && p.Name == tp.StrVal) || (tp.Type == intstr.Int && int32(p.ContainerPort) == tp.IntVal) {
				return p
			}
		}
	}
	if tp.Type == intstr.String {
		kl.bad(o.doc, pp+".targetPort", "%s: no container of %s has a port named %q", o, target.o, tp.StrVal)
		return nil
	}
	if tp.IntVal < 1 || tp.IntVal > 65535 {
		kl.bad(o.doc, pp+".targetPort", "%s: must be 1..65535", o)
		return nil
	}
	// Kubernetes needs no containerPort declaration: add it to the
	// workload's first container.
	for ci := range kl.pod.Containers {
		c := &kl.pod.Containers[ci]
		if c.Name == target.names[target.spec.Containers[0].Name] {
			c.Ports = append(c.Ports, Port{ContainerPort: uint16(tp.IntVal), Protocol: proto})
			return &c.Ports[len(c.Ports)-1]
		}
	}
	return nil
}

func selects(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// exposeKind: http when the Service says so (appProtocol, a port named
// http or web, port 80 or 8080), else tcp.
func exposeKind(sp corev1.ServicePort, target uint16) string {
	if sp.AppProtocol != nil {
		switch strings.ToLower(*sp.AppProtocol) {
		case "http", "kubernetes.io/h2c", "h2c", "http2", "kubernetes.io/http":
			return ExposeHTTP
		}
		return ExposeTCP
	}
	name := strings.ToLower(sp.Name)
	if name == "http" || strings.HasPrefix(name, "http-") || name == "web" || sp.Port == 80 || sp.Port == 8080 || target == 80 || target == 8080 {
		return ExposeHTTP
	}
	return ExposeTCP
}

// ingress exposes its backends' ports as http; its hosts are not carried
// over (the provider names the pod).
func (kl *kubeLoad) ingress(ing *networkingv1.Ingress) {
	o := kl.ingObj[ing]
	var backends []*networkingv1.IngressServiceBackend
	if ing.Spec.DefaultBackend != nil && ing.Spec.DefaultBackend.Service != nil {
		backends = append(backends, ing.Spec.DefaultBackend.Service)
	}
	var hosts []string
	for _, r := range ing.Spec.Rules {
		if r.Host != "" {
			hosts = append(hosts, r.Host)
		}
		if r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			if p.Backend.Service != nil {
				backends = append(backends, p.Backend.Service)
			}
		}
	}
	for _, b := range backends {
		found := false
		for _, s := range kl.services {
			if s.Name != b.Name {
				continue
			}
			for j, sp := range s.Spec.Ports {
				if (b.Port.Name != "" && sp.Name == b.Port.Name) || (b.Port.Number != 0 && sp.Port == b.Port.Number) {
					if port := kl.servicePort(s, kl.svcObj[s], fmt.Sprintf("%sspec.ports[%d]", kl.svcObj[s].prefix, j), sp); port != nil {
						port.Expose, found = ExposeHTTP, true
					}
				}
			}
		}
		if !found {
			kl.warn(o.doc, o.prefix+"spec", "%s: backend %s is not a Service port of the file", o, b.Name)
		}
	}
	if len(hosts) > 0 {
		kl.warn(o.doc, o.prefix+"spec.rules", "%s: hosts %s are not carried over: the provider gives the pod a host name", o, strings.Join(hosts, ", "),
			hint("to serve your own names, add the annotation "+AnnotationHostnames+" to the workload and point them at the provider"))
	}
	if len(ing.Spec.TLS) > 0 {
		kl.warn(o.doc, o.prefix+"spec.tls", "%s: tls is ignored: the provider's gateway terminates TLS", o)
	}
}

// exposeAnnotations applies tpod.dev/expose and tpod.dev/hostnames.
func (kl *kubeLoad) exposeAnnotations() {
	expose := map[uint16]string{}
	if s := kl.ann[AnnotationExpose]; s != "" {
		for _, item := range strings.Split(s, ",") {
			port, kind, ok := strings.Cut(strings.TrimSpace(item), "=")
			n, err := strconv.ParseUint(port, 10, 16)
			if !ok || err != nil || n == 0 {
				kl.bad(0, "metadata.annotations", "annotation %s: %q is not PORT=http|tcp", AnnotationExpose, item)
				continue
			}
			expose[uint16(n)] = kind
		}
	}
	var hostnames []string
	if s := kl.ann[AnnotationHostnames]; s != "" {
		for _, h := range strings.Split(s, ",") {
			hostnames = append(hostnames, strings.TrimSpace(h))
		}
	}
	for ci := range kl.pod.Containers {
		for pi := range kl.pod.Containers[ci].Ports {
			p := &kl.pod.Containers[ci].Ports[pi]
			if kind, ok := expose[p.ContainerPort]; ok {
				p.Expose = kind
			}
			if strings.EqualFold(p.Expose, ExposeHTTP) {
				p.Hostnames = hostnames
			}
		}
	}
}

// scale: replicas of the workloads (the largest), and the annotations.
func (kl *kubeLoad) scale() {
	p := kl.pod
	p.Scale.Min, p.Scale.Max = 1, 1
	zero := true
	for _, w := range kl.workloads {
		p.Scale.Max = max(p.Scale.Max, w.replicas)
		zero = zero && w.replicas == 0
	}
	if zero {
		p.Scale.Min = 0
	}
	if s, ok := kl.ann[AnnotationScaleMin]; ok {
		n, err := strconv.Atoi(s)
		if err != nil {
			kl.bad(0, "metadata.annotations", "annotation %s must be 0 or 1", AnnotationScaleMin)
		}
		p.Scale.Min = n
	}
	if s, ok := kl.ann[AnnotationIdleTimeout]; ok {
		d, err := parseDuration(s)
		if err != nil {
			kl.bad(0, "metadata.annotations", "annotation %s: %v", AnnotationIdleTimeout, err)
		}
		p.Scale.IdleTimeout = Duration(d)
	}
	if s, ok := kl.ann[AnnotationScaleIdle]; ok {
		p.Scale.Idle = s // checked with the rest of the pod
	}
}
