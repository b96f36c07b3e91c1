// Package kube is the Kubernetes backend of the runtime contract: each pod is a
// namespace of its own (labelled with the pod and its payment channel) holding a
// Deployment, a Service for its ports, a default-deny NetworkPolicy that admits
// only the provider's gateway, a ResourceQuota and a LimitRange from the pod's
// reservation, Secrets for its secret volumes, PersistentVolumeClaims for its
// persistent volumes and an image pull secret for the provider's in-cluster
// registry (see Registry). The pod runs under the RuntimeClass the provider is
// configured with (gVisor, kata-qemu-snp, kata-qemu-tdx, ...).
//
// Kubernetes' controllers and kubelets do the work; the backend only writes
// objects and reads their status. docs/kubernetes.md describes the design.
package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"

	"github.com/trustedpods/tpod/internal/keylock"
	"github.com/trustedpods/tpod/internal/runtime"
)

var _ runtime.Runtime = (*Runtime)(nil)

// Egress is a CIDR pods may send to, minus exceptions.
type Egress struct {
	CIDR   string
	Except []string
}

// DefaultEgress lets pods reach the internet but no private, link-local
// (cloud metadata) or shared address space, so not the cluster's own networks.
var DefaultEgress = []Egress{
	{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10", "127.0.0.0/8"}},
	{CIDR: "::/0", Except: []string{"fc00::/7", "fe80::/10", "::1/128"}},
}

// Config configures the backend.
type Config struct {
	// Instance names this provider among others sharing the cluster; it labels
	// every namespace the backend creates (default "default").
	Instance string
	// NamespacePrefix starts every pod namespace's name (default "tpod-").
	NamespacePrefix string
	// Namespace is the provider's own namespace, where its gateway runs.
	Namespace string
	// GatewaySelector selects the gateway's pods in Namespace; only they may
	// connect to pods (default app.kubernetes.io/name=tpod-provider).
	GatewaySelector map[string]string
	// RuntimeClass is the RuntimeClass every pod runs under ("" for the
	// cluster's default). It must exist; Create fails with ErrUnavailable if not.
	RuntimeClass string
	// StorageClass of persistent volume claims ("" for the cluster's default).
	StorageClass string
	// GPUResource is the extended resource name of GPUs (default nvidia.com/gpu).
	GPUResource string
	// Egress is where pods may connect to (default DefaultEgress; set an empty
	// non-nil slice for none). DNS to kube-system's kube-dns is always allowed.
	Egress []Egress
	// Images receives images given as archives and hands out pull credentials;
	// nil if every container names an image by Ref.
	Images ImageStore
	// Metrics reads CPU, memory, writable-layer and network use (nil:
	// NewKubeletSummary on the same config).
	Metrics MetricsSource
	// Now is the clock (default time.Now).
	Now func() time.Time

	// noWait makes Start and Stop return once the objects are written,
	// without waiting for a kubelet: for the API-server-only tests.
	noWait bool
}

func (c *Config) defaults() {
	if c.Instance == "" {
		c.Instance = "default"
	}
	if c.NamespacePrefix == "" {
		c.NamespacePrefix = "tpod-"
	}
	if c.Namespace == "" {
		c.Namespace = "tpod-system"
	}
	if c.GatewaySelector == nil {
		c.GatewaySelector = map[string]string{"app.kubernetes.io/name": "tpod-provider"}
	}
	if c.GPUResource == "" {
		c.GPUResource = "nvidia.com/gpu"
	}
	if c.Egress == nil {
		c.Egress = DefaultEgress
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Runtime runs pods on a Kubernetes cluster.
type Runtime struct {
	cfg    Config
	b      builder
	client kubernetes.Interface

	locks keylock.Map
	meter meter
	kept  keptLogs
}

// New returns a backend that talks to the API server of rc.
func New(rc *rest.Config, cfg Config) (*Runtime, error) {
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	cfg.defaults()
	if cfg.Metrics == nil {
		m, err := NewKubeletSummary(rc, nil)
		if err != nil {
			return nil, err
		}
		cfg.Metrics = m
	}
	return &Runtime{cfg: cfg, b: builder{cfg: cfg}, client: cs,
		meter: meter{runs: map[string]*meterRun{}, tx: map[string]map[string]uint64{}}}, nil
}

// lock serialises operations on one pod.
func (r *Runtime) lock(id string) func() { return r.locks.Lock(id) }

// apiErr maps API errors onto the contract's categories.
func apiErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s: %w: %w", what, err, runtime.ErrNotFound)
	case apierrors.IsAlreadyExists(err):
		return fmt.Errorf("%s: %w: %w", what, err, runtime.ErrExists)
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return fmt.Errorf("%s: %w: %w", what, err, runtime.ErrInvalid)
	case apierrors.IsForbidden(err):
		// Quota or admission refused: the cluster cannot provide it.
		return fmt.Errorf("%s: %w: %w", what, err, runtime.ErrUnavailable)
	case apierrors.IsConflict(err):
		return fmt.Errorf("%s: %w: %w", what, err, runtime.ErrFailedPrecondition)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// podSelector selects the namespaces of this provider (of one pod if id != "").
func (r *Runtime) podSelector(id string) string {
	set := labels.Set{LabelManagedBy: managedBy, LabelProvider: r.cfg.Instance}
	if id != "" {
		set[LabelPod] = id
	}
	return labels.SelectorFromSet(set).String()
}

// namespaceOf finds the live namespace of pod id. Namespaces being deleted
// (their finalizers still running) no longer count.
func (r *Runtime) namespaceOf(ctx context.Context, id string) (*corev1.Namespace, error) {
	list, err := r.client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: r.podSelector(id)})
	if err != nil {
		return nil, apiErr("list namespaces", err)
	}
	for i := range list.Items {
		ns := &list.Items[i]
		if ns.DeletionTimestamp == nil && ns.Status.Phase != corev1.NamespaceTerminating {
			return ns, nil
		}
	}
	return nil, fmt.Errorf("pod %q: %w", id, runtime.ErrNotFound)
}

// Namespace returns the name of the namespace pod id lives in.
func (r *Runtime) Namespace(ctx context.Context, id string) (string, error) {
	ns, err := r.namespaceOf(ctx, id)
	if err != nil {
		return "", err
	}
	return ns.Name, nil
}

func specJSON(spec runtime.PodSpec) (string, error) {
	b, err := json.Marshal(spec.WithoutSecrets())
	if err != nil {
		return "", err
	}
	if len(b) > 128<<10 {
		return "", fmt.Errorf("pod %q: spec of %d bytes too large to record: %w", spec.ID, len(b), runtime.ErrInvalid)
	}
	return string(b), nil
}

func (r *Runtime) checkRuntimeClass(ctx context.Context) error {
	if r.cfg.RuntimeClass == "" {
		return nil
	}
	_, err := r.client.NodeV1().RuntimeClasses().Get(ctx, r.cfg.RuntimeClass, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return fmt.Errorf("runtime class %q is not installed in the cluster: %w", r.cfg.RuntimeClass, runtime.ErrUnavailable)
	}
	return apiErr("get runtime class", err)
}

// images resolves each container's image to the reference nodes pull,
// pushing archives to the image store.
func (r *Runtime) images(ctx context.Context, spec runtime.PodSpec) (map[string]string, error) {
	out := map[string]string{}
	for _, c := range spec.AllContainers() {
		if c.Image.Ref != "" {
			ref := c.Image.Ref
			if c.Image.Digest != "" {
				ref = withDigest(ref, c.Image.Digest)
			}
			out[c.Name] = ref
			continue
		}
		if r.cfg.Images == nil {
			return nil, fmt.Errorf("container %q: image archives need an image store: %w", c.Name, runtime.ErrUnavailable)
		}
		img, err := LoadArchive(c.Image.Archive)
		if err != nil {
			return nil, fmt.Errorf("container %q: %w", c.Name, err)
		}
		if c.Image.Digest != "" {
			d, err := img.Digest()
			if err == nil && d.String() != c.Image.Digest {
				err = fmt.Errorf("image digest %s, want %s: %w", d, c.Image.Digest, runtime.ErrInvalid)
			}
			if cl, ok := img.(io.Closer); ok && err != nil {
				cl.Close()
			}
			if err != nil {
				return nil, fmt.Errorf("container %q: %w", c.Name, err)
			}
		}
		ref, err := r.cfg.Images.Push(ctx, spec.ID, c.Name, img)
		if cl, ok := img.(io.Closer); ok {
			cl.Close()
		}
		if err != nil {
			return nil, fmt.Errorf("container %q: push image: %w", c.Name, err)
		}
		out[c.Name] = ref
	}
	return out, nil
}

// Create creates the pod's namespace and objects with zero replicas.
func (r *Runtime) Create(ctx context.Context, spec runtime.PodSpec) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	defer r.lock(spec.ID)()
	if _, err := r.namespaceOf(ctx, spec.ID); err == nil {
		return fmt.Errorf("pod %q: %w", spec.ID, runtime.ErrExists)
	} else if !errors.Is(err, runtime.ErrNotFound) {
		return err
	}
	s, err := scaleOf(spec)
	if err != nil {
		return err
	}
	if err := checkSpec(spec); err != nil {
		return err
	}
	if err := r.checkRuntimeClass(ctx); err != nil {
		return err
	}
	js, err := specJSON(spec)
	if err != nil {
		return err
	}
	images, err := r.images(ctx, spec)
	if err != nil {
		r.forgetImages(ctx, spec.ID)
		return err
	}
	nsObj := r.b.namespace("", spec, js)
	// A fresh name per creation: a deleted pod's namespace may still be
	// terminating when the same ID is created again.
	nsObj.GenerateName = r.cfg.NamespacePrefix + spec.ID + "-"
	created, err := r.client.CoreV1().Namespaces().Create(ctx, nsObj, metav1.CreateOptions{})
	if err != nil {
		r.forgetImages(ctx, spec.ID)
		return apiErr("create namespace", err)
	}
	ns := created.Name
	if err := r.writeObjects(ctx, ns, nil, spec, s, images, 30, false); err != nil {
		// Leave nothing half-made behind.
		_ = r.client.CoreV1().Namespaces().Delete(context.WithoutCancel(ctx), ns, metav1.DeleteOptions{})
		r.forgetImages(ctx, spec.ID)
		return err
	}
	return nil
}

// forgetImages drops what a failed Create left in the image store.
func (r *Runtime) forgetImages(ctx context.Context, id string) {
	if r.cfg.Images != nil {
		_ = r.cfg.Images.Remove(context.WithoutCancel(ctx), id)
	}
}

// writeObjects creates or updates every object of the pod in ns.
func (r *Runtime) writeObjects(ctx context.Context, ns string, old *runtime.PodSpec, spec runtime.PodSpec, s scale, images map[string]string, grace int64, started bool) error {
	core := r.client.CoreV1()
	if err := apply(ctx, core.ServiceAccounts(ns), r.b.serviceAccount(ns, spec.ID)); err != nil {
		return apiErr("service account", err)
	}
	// Quota and limits first, so that nothing is admitted without them.
	if err := apply(ctx, core.ResourceQuotas(ns), r.b.quota(ns, spec, s)); err != nil {
		return apiErr("resource quota", err)
	}
	if err := apply(ctx, core.LimitRanges(ns), r.b.limitRange(ns, spec)); err != nil {
		return apiErr("limit range", err)
	}
	for _, np := range r.b.networkPolicies(ns, spec) {
		if err := apply(ctx, r.client.NetworkingV1().NetworkPolicies(ns), np); err != nil {
			return apiErr("network policy "+np.Name, err)
		}
	}
	if hs := r.b.hostsSecret(ns, spec); hs != nil {
		if err := putSecret(ctx, core.Secrets(ns), hs); err != nil {
			return apiErr("hosts file", err)
		}
	} else if old != nil && len(old.Hostnames) > 0 {
		if err := core.Secrets(ns).Delete(ctx, hostsSecretName, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return apiErr("delete hosts file", err)
		}
	}
	if r.cfg.Images != nil {
		cfgJSON, err := r.cfg.Images.PullSecret(spec.ID)
		if err != nil {
			return fmt.Errorf("image pull secret: %w", err)
		}
		if err := putSecret(ctx, core.Secrets(ns), r.b.pullSecret(ns, spec.ID, cfgJSON)); err != nil {
			return apiErr("image pull secret", err)
		}
	}
	// The provider may write Secrets but never read them (RBAC): create, or
	// replace unconditionally, and delete the ones an older spec had by name.
	keep := map[string]bool{}
	for _, sec := range r.b.secrets(ns, spec) {
		keep[sec.Name] = true
		if err := putSecret(ctx, core.Secrets(ns), sec); err != nil {
			return apiErr("secret "+sec.Name, err)
		}
	}
	for _, pvc := range r.b.claims(ns, spec) {
		keep[pvc.Name] = true
		// Claims are kept as they are. Looked up first: creating one that
		// exists fails the quota check before the existence check.
		_, err := core.PersistentVolumeClaims(ns).Get(ctx, pvc.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = core.PersistentVolumeClaims(ns).Create(ctx, pvc, metav1.CreateOptions{})
		}
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return apiErr("volume claim "+pvc.Name, err)
		}
	}
	if old != nil {
		for _, v := range old.Volumes {
			name := volPrefix + v.Name
			if keep[name] {
				continue
			}
			var err error
			switch v.Kind {
			case runtime.Secret:
				err = core.Secrets(ns).Delete(ctx, name, metav1.DeleteOptions{})
			case runtime.Persistent:
				err = core.PersistentVolumeClaims(ns).Delete(ctx, name, metav1.DeleteOptions{})
			}
			if err != nil && !apierrors.IsNotFound(err) {
				return apiErr("delete "+name, err)
			}
		}
	}
	if svc := r.b.service(ns, spec); svc != nil {
		old, err := core.Services(ns).Get(ctx, svc.Name, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			_, err = core.Services(ns).Create(ctx, svc, metav1.CreateOptions{})
		case err == nil:
			// Keep the allocated cluster IP.
			old.Spec.Ports, old.Spec.Selector, old.Labels = svc.Spec.Ports, svc.Spec.Selector, svc.Labels
			old.Spec.PublishNotReadyAddresses = svc.Spec.PublishNotReadyAddresses
			_, err = core.Services(ns).Update(ctx, old, metav1.UpdateOptions{})
		}
		if err != nil {
			return apiErr("service", err)
		}
	} else if err := core.Services(ns).Delete(ctx, objName, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return apiErr("delete service", err)
	}
	replicas := int32(0)
	if started {
		replicas = s.running()
	}
	d := r.b.deployment(ns, spec, images, grace, replicas, started)
	if err := apply(ctx, r.client.AppsV1().Deployments(ns), d); err != nil {
		return apiErr("deployment", err)
	}
	return r.setAutoscaler(ctx, ns, spec, s, started)
}

func (r *Runtime) setAutoscaler(ctx context.Context, ns string, spec runtime.PodSpec, s scale, started bool) error {
	hpas := r.client.AutoscalingV2().HorizontalPodAutoscalers(ns)
	if hpa := r.b.autoscaler(ns, spec, s); hpa != nil && started {
		return apiErr("autoscaler", apply(ctx, hpas, hpa))
	}
	if err := hpas.Delete(ctx, objName, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return apiErr("delete autoscaler", err)
	}
	return nil
}

// object is what apply needs of a typed object.
type object interface{ metav1.Object }

// client is the part of a typed client-go interface apply uses.
type client[T object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
}

// apply creates obj, or replaces the existing object's content with it.
func apply[T object](ctx context.Context, c client[T], obj T) error {
	old, err := c.Get(ctx, obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = c.Create(ctx, obj, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	obj.SetResourceVersion(old.GetResourceVersion())
	_, err = c.Update(ctx, obj, metav1.UpdateOptions{})
	return err
}

// putSecret creates sec or replaces it unconditionally (no read needed).
func putSecret(ctx context.Context, c interface {
	Create(context.Context, *corev1.Secret, metav1.CreateOptions) (*corev1.Secret, error)
	Update(context.Context, *corev1.Secret, metav1.UpdateOptions) (*corev1.Secret, error)
}, sec *corev1.Secret) error {
	_, err := c.Create(ctx, sec, metav1.CreateOptions{})
	// An existing Secret fails with AlreadyExists, or with Forbidden when
	// the namespace's quota is used up by it (quota admission comes first).
	if apierrors.IsAlreadyExists(err) || apierrors.IsForbidden(err) {
		if _, uerr := c.Update(ctx, sec, metav1.UpdateOptions{}); !apierrors.IsNotFound(uerr) {
			err = uerr
		}
	}
	return err
}

// deployment reads the pod's namespace, Deployment and recorded spec.
func (r *Runtime) deployment(ctx context.Context, id string) (*corev1.Namespace, *appsv1.Deployment, runtime.PodSpec, error) {
	var spec runtime.PodSpec
	ns, err := r.namespaceOf(ctx, id)
	if err != nil {
		return nil, nil, spec, err
	}
	if err := json.Unmarshal([]byte(ns.Annotations[annSpec]), &spec); err != nil {
		return nil, nil, spec, fmt.Errorf("pod %q: recorded spec: %w", id, err)
	}
	d, err := r.client.AppsV1().Deployments(ns.Name).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		return nil, nil, spec, apiErr("get deployment", err)
	}
	return ns, d, spec, nil
}

// Update replaces the pod's containers, secrets and limits; persistent
// volume claims that remain in the spec are kept. A running pod is rolled
// (Recreate when it has persistent volumes) and old pods get grace to stop.
func (r *Runtime) Update(ctx context.Context, spec runtime.PodSpec, grace time.Duration) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	defer r.lock(spec.ID)()
	ns, d, old, err := r.deployment(ctx, spec.ID)
	if err != nil {
		return err
	}
	s, err := scaleOf(spec)
	if err != nil {
		return err
	}
	if err := checkSpec(spec); err != nil {
		return err
	}
	if err := r.checkRuntimeClass(ctx); err != nil {
		return err
	}
	js, err := specJSON(spec)
	if err != nil {
		return err
	}
	images, err := r.images(ctx, spec)
	if err != nil {
		return err
	}
	started := d.Spec.Replicas != nil && *d.Spec.Replicas > 0
	want := r.b.namespace(ns.Name, spec, js)
	ns.Labels, ns.Annotations = mergeNamespaceLabels(ns.Labels, want.Labels), want.Annotations
	if _, err := r.client.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{}); err != nil {
		return apiErr("update namespace", err)
	}
	// The replicas running now are the old ones: after the Deployment
	// changes they go with the given grace rather than their own template's
	// (new replicas, created after the change, are not in this list).
	var running []string
	if started {
		running, err = r.podNames(ctx, ns.Name, spec.ID)
		if err != nil {
			return err
		}
	}
	if err := r.writeObjects(ctx, ns.Name, &old, spec, s, images, seconds(grace), started); err != nil {
		return err
	}
	return r.deletePods(ctx, ns.Name, grace, running)
}

// podNames lists the live replicas of pod id.
func (r *Runtime) podNames(ctx context.Context, ns, id string) ([]string, error) {
	pods, err := r.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelPod: id}).String()})
	if err != nil {
		return nil, apiErr("list pods", err)
	}
	var out []string
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			out = append(out, p.Name)
		}
	}
	return out, nil
}

// mergeNamespaceLabels keeps labels others set (kubernetes.io/metadata.name).
func mergeNamespaceLabels(old, want map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range old {
		out[k] = v
	}
	delete(out, LabelChannel)
	for k, v := range want {
		out[k] = v
	}
	return out
}

func seconds(d time.Duration) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	return max(s, 0)
}

// deletePods deletes the named replicas with the given grace.
func (r *Runtime) deletePods(ctx context.Context, ns string, grace time.Duration, names []string) error {
	g := seconds(grace)
	for _, name := range names {
		err := r.client.CoreV1().Pods(ns).Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &g})
		if err != nil && !apierrors.IsNotFound(err) {
			return apiErr("delete pod", err)
		}
	}
	return nil
}

// Start scales the pod to its running replica count and, for a range, adds
// an autoscaler. Starting a started pod is a no-op.
func (r *Runtime) Start(ctx context.Context, id string) error {
	defer r.lock(id)()
	ns, d, spec, err := r.deployment(ctx, id)
	if err != nil {
		return err
	}
	if d.Spec.Replicas != nil && *d.Spec.Replicas > 0 {
		return nil
	}
	s, err := scaleOf(spec)
	if err != nil {
		return err
	}
	n := s.running()
	for try := 0; ; try++ {
		d.Spec.Replicas = &n
		if d.Annotations == nil {
			d.Annotations = map[string]string{}
		}
		d.Annotations[annStarted] = "true"
		delete(d.Annotations, annExit)
		_, err := r.client.AppsV1().Deployments(ns.Name).Update(ctx, d, metav1.UpdateOptions{})
		if err == nil {
			break
		}
		// The controllers write the Deployment's status meanwhile.
		if !apierrors.IsConflict(err) || try == 4 {
			return apiErr("scale up", err)
		}
		if d, err = r.client.AppsV1().Deployments(ns.Name).Get(ctx, objName, metav1.GetOptions{}); err != nil {
			return apiErr("get deployment", err)
		}
	}
	r.meter.start(id, r.cfg.Now())
	if err := r.setAutoscaler(ctx, ns.Name, spec, s, true); err != nil {
		return err
	}
	if r.cfg.noWait {
		return nil
	}
	return r.awaitRunning(ctx, ns.Name, id)
}

// startLimit bounds how long Start waits for a replica to run.
const startLimit = 3 * time.Minute

// waitingFailures are the waiting reasons of a container that will not
// start without a change: Start fails with them.
var waitingFailures = map[string]bool{
	"InvalidImageName": true, "CreateContainerConfigError": true, "CreateContainerError": true,
}

// pullFailures are the waiting reasons of a failed image pull. The kubelet
// retries them (a fresh replica may pull before the node may read its pull
// secret), so Start fails only when they last pullPatience.
var pullFailures = map[string]bool{"ErrImagePull": true, "ImagePullBackOff": true}

const pullPatience = 45 * time.Second

// awaitRunning waits until the newest replica of pod id has every container
// running (or exited: Status reports it), as Start on containerd returns
// with the processes started. It fails when a container cannot start or the
// replica cannot be scheduled.
func (r *Runtime) awaitRunning(ctx context.Context, ns, id string) error {
	ctx, cancel := context.WithTimeout(ctx, startLimit)
	defer cancel()
	pods := r.client.CoreV1().Pods(ns)
	sel := labels.SelectorFromSet(labels.Set{LabelPod: id}).String()
	list, err := pods.List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return apiErr("list pods", err)
	}
	seen := map[string]*corev1.Pod{}
	var pullSince time.Time
	for i := range list.Items {
		seen[list.Items[i].Name] = &list.Items[i]
	}
	check := func() (bool, error) {
		var newest *corev1.Pod
		for _, p := range seen {
			if p.DeletionTimestamp == nil && (newest == nil || p.CreationTimestamp.After(newest.CreationTimestamp.Time)) {
				newest = p
			}
		}
		if newest == nil {
			return false, nil
		}
		done, err := replicaStarted(newest)
		var pe pullError
		if errors.As(err, &pe) {
			if pullSince.IsZero() {
				pullSince = time.Now()
			}
			if time.Since(pullSince) < pullPatience {
				return false, nil
			}
		}
		return done, err
	}
	if done, err := check(); done || err != nil {
		return err
	}
	w, err := pods.Watch(ctx, metav1.ListOptions{LabelSelector: sel, ResourceVersion: list.ResourceVersion})
	if err != nil {
		return apiErr("watch pods", err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("pod %q: no replica running after %v%s: %w", id, startLimit, r.whyPending(context.WithoutCancel(ctx), ns, seen), runtime.ErrUnavailable)
		case ev, ok := <-w.ResultChan():
			if !ok {
				// The API server ended the watch: look again.
				return r.awaitRunning(ctx, ns, id)
			}
			p, isPod := ev.Object.(*corev1.Pod)
			if !isPod {
				continue
			}
			if ev.Type == watch.Deleted {
				delete(seen, p.Name)
			} else {
				seen[p.Name] = p
			}
			if done, err := check(); done || err != nil {
				return err
			}
		}
	}
}

// checkSpec refuses what Kubernetes cannot express.
func checkSpec(spec runtime.PodSpec) error {
	for _, c := range spec.AllContainers() {
		if err := securityContext(c, &corev1.SecurityContext{}); err != nil {
			return err
		}
	}
	return nil
}

// pullError is a failed image pull, which the kubelet retries.
type pullError struct{ error }

func (e pullError) Unwrap() error { return e.error }

// whyPending says what holds back the newest replica of seen, for the error
// of a start that timed out: its phase, a waiting container's reason and
// the last warning event about it (a sandbox the runtime cannot create, an
// image it cannot find), which the pod's status does not carry.
func (r *Runtime) whyPending(ctx context.Context, ns string, seen map[string]*corev1.Pod) string {
	var newest *corev1.Pod
	for _, p := range seen {
		if p.DeletionTimestamp == nil && (newest == nil || p.CreationTimestamp.After(newest.CreationTimestamp.Time)) {
			newest = p
		}
	}
	if newest == nil {
		return " (no replica was created)"
	}
	why := fmt.Sprintf(" (replica %s: %s", newest.Name, newest.Status.Phase)
	for _, k := range newest.Status.ContainerStatuses {
		if w := k.State.Waiting; w != nil && w.Reason != "" {
			why += fmt.Sprintf("; container %s waiting: %s", k.Name, w.Reason)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	evs, err := r.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("involvedObject.name", newest.Name).String(),
	})
	if err == nil {
		var last *corev1.Event
		for i := range evs.Items {
			e := &evs.Items[i]
			if e.Type == corev1.EventTypeWarning && (last == nil || e.LastTimestamp.After(last.LastTimestamp.Time)) {
				last = e
			}
		}
		if last != nil {
			msg := last.Message
			if len(msg) > 300 {
				msg = msg[:300] + "…"
			}
			why += fmt.Sprintf("; last warning: %s: %s", last.Reason, msg)
		}
	}
	return why + ")"
}

// replicaStarted tells whether every container of p has started (true), or
// cannot start (an error).
func replicaStarted(p *corev1.Pod) (bool, error) {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return false, fmt.Errorf("replica %s cannot be scheduled: %s: %w", p.Name, c.Message, runtime.ErrUnavailable)
		}
	}
	for _, k := range p.Status.InitContainerStatuses {
		sidecar := false
		for _, c := range p.Spec.InitContainers {
			sidecar = sidecar || c.Name == k.Name && c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		}
		t := k.State.Terminated
		if t == nil {
			t = k.LastTerminationState.Terminated
		}
		if !sidecar && t != nil && t.ExitCode != 0 {
			return false, fmt.Errorf("init container %q exited with code %d: %w", k.Name, t.ExitCode, runtime.ErrFailedPrecondition)
		}
		if k.State.Waiting != nil && waitingFailures[k.State.Waiting.Reason] {
			return false, fmt.Errorf("init container %s: %s: %s: %w", k.Name, k.State.Waiting.Reason, k.State.Waiting.Message, runtime.ErrUnavailable)
		}
	}
	if len(p.Status.ContainerStatuses) < len(p.Spec.Containers) {
		return false, nil
	}
	for _, k := range p.Status.ContainerStatuses {
		switch {
		case k.State.Running != nil, k.State.Terminated != nil, k.LastTerminationState.Terminated != nil:
		case k.State.Waiting != nil && waitingFailures[k.State.Waiting.Reason]:
			return false, fmt.Errorf("container %s: %s: %s: %w", k.Name, k.State.Waiting.Reason, k.State.Waiting.Message, runtime.ErrUnavailable)
		case k.State.Waiting != nil && pullFailures[k.State.Waiting.Reason]:
			return false, pullError{fmt.Errorf("container %s: %s: %s: %w", k.Name, k.State.Waiting.Reason, k.State.Waiting.Message, runtime.ErrUnavailable)}
		default:
			return false, nil
		}
	}
	return true, nil
}

// Stop scales the pod to zero and deletes its pods with the given grace
// (SIGTERM, then SIGKILL after grace, done by the kubelet). Its volume claims,
// Service and address stay.
func (r *Runtime) Stop(ctx context.Context, id string, grace time.Duration) error {
	defer r.lock(id)()
	ns, d, spec, err := r.deployment(ctx, id)
	if err != nil {
		return err
	}
	return r.stop(ctx, ns.Name, d, spec, grace)
}

func (r *Runtime) stop(ctx context.Context, ns string, d *appsv1.Deployment, spec runtime.PodSpec, grace time.Duration) error {
	if err := r.setAutoscaler(ctx, ns, spec, scale{}, false); err != nil {
		return err
	}
	r.meter.stop(spec.ID)
	// The replicas are deleted with the given grace before the Deployment
	// is scaled to zero: the ReplicaSet controller would delete them with
	// the template's grace, and the kubelet here (containerd 1.6) does not
	// cut a grace period it has begun. A replacement the controller may
	// create meanwhile is deleted by it at once, before it starts.
	pods, err := r.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelPod: spec.ID}).String()})
	if err != nil {
		return apiErr("list pods", err)
	}
	var names []string
	var newest *corev1.Pod
	for i, p := range pods.Items {
		names = append(names, p.Name)
		if p.DeletionTimestamp == nil && (newest == nil || p.CreationTimestamp.After(newest.CreationTimestamp.Time)) {
			newest = &pods.Items[i]
		}
	}
	keep := func() {}
	if newest != nil && !r.cfg.noWait {
		keep = r.captureLogs(ctx, spec.ID, newest, grace+stopSlack)
	}
	defer keep()
	if err := r.deletePods(ctx, ns, grace, names); err != nil {
		return err
	}
	for try := 0; d.Spec.Replicas == nil || *d.Spec.Replicas != 0; try++ {
		zero := int32(0)
		d.Spec.Replicas = &zero
		_, err := r.client.AppsV1().Deployments(ns).Update(ctx, d, metav1.UpdateOptions{})
		if err == nil {
			break
		}
		if !apierrors.IsConflict(err) || try == 4 {
			return apiErr("scale to zero", err)
		}
		if d, err = r.client.AppsV1().Deployments(ns).Get(ctx, objName, metav1.GetOptions{}); err != nil {
			return apiErr("get deployment", err)
		}
	}
	// A replacement created between the deletions and the scale-down is
	// removed at once (the kubelet kills it within a second).
	if err := r.removeReplacements(ctx, ns, spec.ID, pods); err != nil {
		return err
	}
	// The contract's Stop returns once the containers are gone, with their
	// exit codes kept for Status: wait for the kubelet to finish the
	// replicas, and record what the newest one ended with.
	if r.cfg.noWait {
		return nil
	}
	final := awaitGone(ctx, r.client.CoreV1().Pods(ns), pods, grace+stopSlack)
	if final == nil {
		return nil
	}
	return r.recordExit(ctx, ns, final)
}

// removeReplacements deletes, without grace, the replicas of pod id that
// are not in old.
func (r *Runtime) removeReplacements(ctx context.Context, ns, id string, old *corev1.PodList) error {
	known := map[string]bool{}
	for _, p := range old.Items {
		known[p.Name] = true
	}
	// Once the controllers have seen the scale-down no replacement comes;
	// until then one may (bounded: a lagging controller must not hold Stop).
	deps := r.client.AppsV1().Deployments(ns)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		d, err := deps.Get(ctx, objName, metav1.GetOptions{})
		if err != nil {
			return apiErr("get deployment", err)
		}
		if d.Status.ObservedGeneration >= d.Generation && d.Status.Replicas == 0 {
			break
		}
	}
	pods, err := r.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelPod: id}).String()})
	if err != nil {
		return apiErr("list pods", err)
	}
	// Replacements the controller already deletes (with the template's
	// grace) are deleted again without.
	var extra []string
	for _, p := range pods.Items {
		if !known[p.Name] {
			extra = append(extra, p.Name)
		}
	}
	return r.deletePods(ctx, ns, 0, extra)
}

// stopSlack is how long Stop waits for the kubelet beyond the grace period.
const stopSlack = 15 * time.Second

// awaitGone waits until every pod of list is deleted, or for at most
// limit, and returns the last state seen of the newest of them (nil if
// list was empty).
func awaitGone(ctx context.Context, pods typedcorev1.PodInterface, list *corev1.PodList, limit time.Duration) *corev1.Pod {
	if len(list.Items) == 0 {
		return nil
	}
	last := map[string]*corev1.Pod{}
	var newest *corev1.Pod
	for i := range list.Items {
		p := &list.Items[i]
		last[p.Name] = p
		if newest == nil || p.CreationTimestamp.After(newest.CreationTimestamp.Time) {
			newest = p
		}
	}
	name := newest.Name
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	remaining := len(last)
	w, err := pods.Watch(ctx, metav1.ListOptions{LabelSelector: labels.Set(newest.Labels).String(), ResourceVersion: list.ResourceVersion})
	if err != nil {
		return last[name]
	}
	defer w.Stop()
	for remaining > 0 {
		select {
		case <-ctx.Done():
			return last[name]
		case ev, ok := <-w.ResultChan():
			if !ok {
				return last[name]
			}
			p, isPod := ev.Object.(*corev1.Pod)
			if !isPod {
				continue
			}
			if _, tracked := last[p.Name]; !tracked {
				continue
			}
			last[p.Name] = p
			if ev.Type == watch.Deleted {
				remaining--
			}
		}
	}
	return last[name]
}

// recordExit keeps the final container states of a stopped pod on its
// Deployment (annotation annExit), for Status to report once no replica is left.
func (r *Runtime) recordExit(ctx context.Context, ns string, p *corev1.Pod) error {
	var out []runtime.ContainerStatus
	for _, k := range p.Status.ContainerStatuses {
		cs := containerStatus(k)
		if cs.State == runtime.ContainerRunning {
			// Killed without a final status update: report it exited.
			cs.State = runtime.ContainerExited
		}
		out = append(out, cs)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	deps := r.client.AppsV1().Deployments(ns)
	for range 5 {
		d, err := deps.Get(ctx, objName, metav1.GetOptions{})
		if err != nil {
			return apiErr("get deployment", err)
		}
		if d.Annotations == nil {
			d.Annotations = map[string]string{}
		}
		d.Annotations[annExit] = string(b)
		_, err = deps.Update(ctx, d, metav1.UpdateOptions{})
		if !apierrors.IsConflict(err) {
			return apiErr("record exit", err)
		}
	}
	return fmt.Errorf("record exit: deployment keeps changing: %w", runtime.ErrUnavailable)
}

// Delete stops the pod and deletes its namespace, which removes every object
// in it; its images leave the image store.
func (r *Runtime) Delete(ctx context.Context, id string, grace time.Duration) error {
	defer r.lock(id)()
	ns, err := r.namespaceOf(ctx, id)
	if err != nil {
		return err
	}
	d, err := r.client.AppsV1().Deployments(ns.Name).Get(ctx, objName, metav1.GetOptions{})
	if err == nil {
		var spec runtime.PodSpec
		spec.ID = id
		if err := r.stop(ctx, ns.Name, d, spec, grace); err != nil {
			return err
		}
	} else if !apierrors.IsNotFound(err) {
		return apiErr("get deployment", err)
	}
	policy := metav1.DeletePropagationBackground
	if err := r.client.CoreV1().Namespaces().Delete(ctx, ns.Name, metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil && !apierrors.IsNotFound(err) {
		return apiErr("delete namespace", err)
	}
	r.meter.forget(id)
	r.kept.forget(id)
	if r.cfg.Images != nil {
		if err := r.cfg.Images.Remove(ctx, id); err != nil {
			return fmt.Errorf("remove images of %q: %w", id, err)
		}
	}
	return nil
}

// Status reports the state of the pod's newest live replica (the one the
// gateway would reach): created until Start, stopped at zero replicas.
func (r *Runtime) Status(ctx context.Context, id string) (runtime.PodStatus, error) {
	ns, d, spec, err := r.deployment(ctx, id)
	if err != nil {
		return runtime.PodStatus{}, err
	}
	return r.status(ctx, ns.Name, d, spec)
}

func (r *Runtime) status(ctx context.Context, ns string, d *appsv1.Deployment, spec runtime.PodSpec) (runtime.PodStatus, error) {
	pods, err := r.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelPod: spec.ID}).String()})
	if err != nil {
		return runtime.PodStatus{ID: spec.ID}, apiErr("list pods", err)
	}
	return r.statusOf(ctx, ns, d, spec, pods, true)
}

// statusOf computes the status from the pod's replicas; withIP looks up
// the Service's address too.
func (r *Runtime) statusOf(ctx context.Context, ns string, d *appsv1.Deployment, spec runtime.PodSpec, pods *corev1.PodList, withIP bool) (runtime.PodStatus, error) {
	st := runtime.PodStatus{ID: spec.ID}
	var best *corev1.Pod
	for i := range pods.Items {
		p := &pods.Items[i]
		if best == nil || rank(p) > rank(best) || (rank(p) == rank(best) && p.CreationTimestamp.After(best.CreationTimestamp.Time)) {
			best = p
		}
	}
	started := d.Annotations[annStarted] == "true"
	var exited []runtime.ContainerStatus
	if best == nil && started {
		_ = json.Unmarshal([]byte(d.Annotations[annExit]), &exited) // absent: no exit codes
	}
	for i, c := range spec.AllContainers() {
		isInit := i < len(spec.InitContainers)
		cs := runtime.ContainerStatus{Name: c.Name, State: runtime.ContainerCreated}
		if best != nil {
			ks := best.Status.ContainerStatuses
			if isInit {
				ks = best.Status.InitContainerStatuses
			}
			for _, k := range ks {
				if k.Name == c.Name {
					cs = containerStatus(k)
				}
			}
		}
		cs.Init = isInit
		if best == nil && started {
			cs.State = runtime.ContainerExited
			for _, e := range exited {
				if e.Name == c.Name {
					cs = e
				}
			}
		}
		st.Containers = append(st.Containers, cs)
	}
	// The Service's cluster IP is the pod's address: it balances over the
	// replicas and stays the same across stop/start and updates. A pod
	// without ports has no Service; its replica's own IP is reported then.
	if !withIP {
		// Usage needs no address.
	} else if svc, err := r.client.CoreV1().Services(ns).Get(ctx, objName, metav1.GetOptions{}); err == nil {
		st.IP = svc.Spec.ClusterIP
	} else if !apierrors.IsNotFound(err) {
		return st, apiErr("get service", err)
	}
	if best != nil {
		if st.IP == "" {
			st.IP = best.Status.PodIP
		}
		if best.Status.Reason == "Evicted" {
			st.Reason = runtime.ReasonStorageLimit
		}
	}
	// The state is the containers' (init containers that ran to
	// completion do not make a pod partial; a sidecar counts as a container).
	running, counted, ready := 0, 0, true
	for i, c := range st.Containers {
		if c.Init && !spec.InitContainers[i].Sidecar {
			continue
		}
		counted++
		if c.State == runtime.ContainerRunning {
			running++
		}
		ready = ready && c.Ready
	}
	switch {
	case running == counted && running > 0:
		st.State = runtime.PodRunning
	case running > 0:
		st.State = runtime.PodPartial
	case !started:
		st.State = runtime.PodCreated
	default:
		st.State = runtime.PodStopped
	}
	st.Ready = st.State == runtime.PodRunning && ready
	return st, nil
}

// rank orders pods: live and running before pending before terminating.
func rank(p *corev1.Pod) int {
	switch {
	case p.DeletionTimestamp != nil:
		return 0
	case p.Status.Phase == corev1.PodRunning:
		return 3
	case p.Status.Phase == corev1.PodPending:
		return 2
	}
	return 1
}

func containerStatus(k corev1.ContainerStatus) runtime.ContainerStatus {
	cs := runtime.ContainerStatus{Name: k.Name, State: runtime.ContainerCreated, Ready: k.Ready, Restarts: int(k.RestartCount)}
	switch {
	case k.State.Running != nil:
		cs.State = runtime.ContainerRunning
		cs.StartedAt = k.State.Running.StartedAt.Time
	case k.State.Terminated != nil:
		exited(&cs, k.State.Terminated)
	case k.LastTerminationState.Terminated != nil:
		// Waiting to be restarted (the kubelet restarts exited containers
		// with a back-off): it is exited until then.
		exited(&cs, k.LastTerminationState.Terminated)
	}
	return cs
}

func exited(cs *runtime.ContainerStatus, t *corev1.ContainerStateTerminated) {
	cs.State = runtime.ContainerExited
	cs.ExitCode = uint32(t.ExitCode)
	cs.OOMKilled = t.Reason == "OOMKilled"
	cs.StartedAt, cs.FinishedAt = t.StartedAt.Time, t.FinishedAt.Time
}

// Logs copies a container's log from the newest live replica, through the
// API server (which reads it from the kubelet).
func (r *Runtime) Logs(ctx context.Context, id, container string, opts runtime.LogOptions, w io.Writer) error {
	ns, _, spec, err := r.deployment(ctx, id)
	if err != nil {
		return err
	}
	found := false
	for _, c := range spec.AllContainers() {
		found = found || c.Name == container
	}
	if !found {
		return fmt.Errorf("pod %q has no container %q: %w", id, container, runtime.ErrNotFound)
	}
	pods, err := r.client.CoreV1().Pods(ns.Name).List(ctx, metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelPod: id}).String()})
	if err != nil {
		return apiErr("list pods", err)
	}
	// Output of replicas a stop removed comes first.
	if kept := r.kept.get(id, container); len(kept) > 0 {
		if opts.Timestamps {
			// The kept output of removed replicas has no times.
			kept = bytes.ReplaceAll(append([]byte(runtime.NoTimestamp+" "), bytes.TrimSuffix(kept, []byte("\n"))...), []byte("\n"), []byte("\n"+runtime.NoTimestamp+" "))
			kept = append(kept, '\n')
		}
		if _, err := w.Write(kept); err != nil {
			return err
		}
	}
	if len(pods.Items) == 0 {
		return nil // not running: no more output
	}
	sort.Slice(pods.Items, func(i, j int) bool {
		return pods.Items[j].CreationTimestamp.Before(&pods.Items[i].CreationTimestamp)
	})
	req := r.client.CoreV1().Pods(ns.Name).GetLogs(pods.Items[0].Name, &corev1.PodLogOptions{Container: container, Follow: opts.Follow, Timestamps: opts.Timestamps})
	rc, err := req.Stream(ctx)
	if err != nil {
		return apiErr("logs", err)
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// List returns the pods of this provider instance found in the cluster.
func (r *Runtime) List(ctx context.Context) ([]runtime.PodInfo, error) {
	list, err := r.client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: r.podSelector("")})
	if err != nil {
		return nil, apiErr("list namespaces", err)
	}
	var out []runtime.PodInfo
	for _, ns := range list.Items {
		if ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating {
			continue
		}
		var spec runtime.PodSpec
		if err := json.Unmarshal([]byte(ns.Annotations[annSpec]), &spec); err != nil {
			return nil, fmt.Errorf("namespace %s: recorded spec: %w", ns.Name, err)
		}
		d, err := r.client.AppsV1().Deployments(ns.Name).Get(ctx, objName, metav1.GetOptions{})
		if err != nil {
			return nil, apiErr("get deployment of "+ns.Name, err)
		}
		st, err := r.status(ctx, ns.Name, d, spec)
		if err != nil {
			return nil, err
		}
		out = append(out, runtime.PodInfo{Spec: spec, State: st.State})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Spec.ID < out[j].Spec.ID })
	return out, nil
}

// Usage samples the pod: reservations from its spec (times live replicas),
// storage from its claims' sizes, CPU and memory from the metrics API.
func (r *Runtime) Usage(ctx context.Context, id string) (runtime.Usage, error) {
	ns, d, spec, err := r.deployment(ctx, id)
	if err != nil {
		return runtime.Usage{}, err
	}
	sel := metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelPod: id}).String()}
	pods, err := r.client.CoreV1().Pods(ns.Name).List(ctx, sel)
	if err != nil {
		return runtime.Usage{}, apiErr("list pods", err)
	}
	var claims corev1.PersistentVolumeClaimList
	if hasPersistent(spec) {
		list, err := r.client.CoreV1().PersistentVolumeClaims(ns.Name).List(ctx, metav1.ListOptions{})
		if err != nil {
			return runtime.Usage{}, apiErr("list claims", err)
		}
		claims = *list
	}
	metrics := func(running bool) (PodMetrics, error) {
		if !running || r.cfg.Metrics == nil {
			return PodMetrics{}, nil
		}
		return r.cfg.Metrics.PodMetrics(ctx, ns.Name, sel.LabelSelector)
	}
	return r.usageOf(ctx, ns.Name, d, spec, pods, claims.Items, metrics)
}

// usageOf computes a pod's usage from its Deployment, replicas and claims;
// metrics samples it when it runs.
func (r *Runtime) usageOf(ctx context.Context, ns string, d *appsv1.Deployment, spec runtime.PodSpec, pods *corev1.PodList, claims []corev1.PersistentVolumeClaim, metrics func(running bool) (PodMetrics, error)) (runtime.Usage, error) {
	now := r.cfg.Now()
	u := runtime.Usage{Time: now}
	st, err := r.statusOf(ctx, ns, d, spec, pods, false)
	if err != nil {
		return u, err
	}
	u.Running = st.State == runtime.PodRunning || st.State == runtime.PodPartial
	replicas := uint64(0)
	if d.Spec.Replicas != nil {
		replicas = uint64(*d.Spec.Replicas)
	}
	res := spec.Resources()
	u.Reserved = runtime.Resources{
		CPUMillis: res.CPUMillis * replicas, MemoryMiB: res.MemoryMiB * replicas,
		StorageMiB: res.StorageMiB, Pids: res.Pids * replicas, GPUs: res.GPUs * replicas,
	}
	for _, c := range claims {
		q, ok := c.Status.Capacity[corev1.ResourceStorage]
		if !ok {
			q = c.Spec.Resources.Requests[corev1.ResourceStorage]
		}
		u.VolumeBytes += uint64(q.Value())
	}
	sample, err := metrics(u.Running)
	if err != nil && !errors.Is(err, ErrNoMetrics) {
		return u, err
	}
	u.Since, u.CPUNanos = r.meter.add(spec.ID, now, u.Running, sample)
	u.MemoryWorkingSetBytes = sample.MemoryBytes
	u.WritableBytes = sample.WritableBytes
	u.EgressBytes = r.meter.egress(spec.ID, sample.Replicas)
	return u, nil
}

// UsageAll implements runtime.UsageLister: one list of namespaces,
// Deployments, replicas and claims for all of this provider's pods, and one
// kubelet summary per node, instead of several requests per pod.
func (r *Runtime) UsageAll(ctx context.Context) (map[string]runtime.Usage, error) {
	nss, err := r.client.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: r.podSelector("")})
	if err != nil {
		return nil, apiErr("list namespaces", err)
	}
	mine := metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{LabelManagedBy: managedBy}).String()}
	deps, err := r.client.AppsV1().Deployments("").List(ctx, mine)
	if err != nil {
		return nil, apiErr("list deployments", err)
	}
	pods, err := r.client.CoreV1().Pods("").List(ctx, mine)
	if err != nil {
		return nil, apiErr("list pods", err)
	}
	claims, err := r.client.CoreV1().PersistentVolumeClaims("").List(ctx, mine)
	if err != nil {
		return nil, apiErr("list claims", err)
	}
	depOf := map[string]*appsv1.Deployment{}
	for i := range deps.Items {
		if deps.Items[i].Name == objName {
			depOf[deps.Items[i].Namespace] = &deps.Items[i]
		}
	}
	podsOf := map[string]*corev1.PodList{}
	for _, p := range pods.Items {
		if podsOf[p.Namespace] == nil {
			podsOf[p.Namespace] = &corev1.PodList{}
		}
		podsOf[p.Namespace].Items = append(podsOf[p.Namespace].Items, p)
	}
	claimsOf := map[string][]corev1.PersistentVolumeClaim{}
	for _, c := range claims.Items {
		claimsOf[c.Namespace] = append(claimsOf[c.Namespace], c)
	}
	ks, _ := r.cfg.Metrics.(*KubeletSummary)
	out := map[string]runtime.Usage{}
	for _, ns := range nss.Items {
		if ns.DeletionTimestamp != nil || ns.Status.Phase == corev1.NamespaceTerminating {
			continue
		}
		var spec runtime.PodSpec
		if err := json.Unmarshal([]byte(ns.Annotations[annSpec]), &spec); err != nil {
			return nil, fmt.Errorf("namespace %s: recorded spec: %w", ns.Name, err)
		}
		d := depOf[ns.Name]
		if d == nil {
			continue // being created
		}
		replicas := podsOf[ns.Name]
		if replicas == nil {
			replicas = &corev1.PodList{}
		}
		metrics := func(running bool) (PodMetrics, error) {
			switch {
			case !running || r.cfg.Metrics == nil:
				return PodMetrics{}, nil
			case ks != nil:
				return ks.metricsOf(ctx, replicas.Items)
			}
			return r.cfg.Metrics.PodMetrics(ctx, ns.Name, labels.SelectorFromSet(labels.Set{LabelPod: spec.ID}).String())
		}
		u, err := r.usageOf(ctx, ns.Name, d, spec, replicas, claimsOf[ns.Name], metrics)
		if err != nil {
			return nil, err
		}
		out[spec.ID] = u
	}
	return out, nil
}

// Leaks lists what belongs to no live pod: images and pull credentials in
// the registry, CPU meters. Namespaces being deleted are not leaks; their
// finalizers remove what they hold.
func (r *Runtime) Leaks(ctx context.Context) ([]string, error) {
	live := map[string]bool{}
	pods, err := r.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range pods {
		live[p.Spec.ID] = true
	}
	var out []string
	if l, ok := r.cfg.Images.(interface{ Pods() []string }); ok {
		for _, id := range l.Pods() {
			if !live[id] {
				out = append(out, "registry entries of pod "+id)
			}
		}
	}
	r.meter.mu.Lock()
	for id := range r.meter.runs {
		if !live[id] {
			out = append(out, "CPU meter of pod "+id)
		}
	}
	r.meter.mu.Unlock()
	sort.Strings(out)
	return out, nil
}
