package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// The tests run against a real kube-apiserver and etcd (envtest, see
// scripts/testenv-kube.sh). There is no kubelet and no controller-manager:
// the test plays the Deployment/ReplicaSet controllers (it creates the pods
// a Deployment asks for), the kubelet (it writes pod status) and the quota
// controller (it writes quota status). The backend itself runs as the
// provider's service account with the RBAC and admission policy of
// deploy/kubernetes, so every permission it lacks fails the test.

var (
	restCfg  *rest.Config // cluster admin
	admin    kubernetes.Interface
	provider *rest.Config // impersonates the provider's service account
)

const providerUser = "system:serviceaccount:tpod-system:tpod-provider"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() || flag.Lookup("test.fuzz").Value.String() != "" {
		// -short skips service-needing tests; fuzz workers need no cluster.
		return m.Run()
	}
	if err := setupCluster(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		return 1
	}
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS not set: run `eval $(bash scripts/testenv-kube.sh env)`")
			return 1
		}
		fmt.Fprintln(os.Stderr, "kube: KUBEBUILDER_ASSETS not set; API server tests skipped (scripts/testenv-kube.sh env)")
		return m.Run()
	}
	env := &envtest.Environment{ControlPlaneStartTimeout: 2 * time.Minute}
	// kind's service range, so that deploy/kubernetes' fixed registry
	// cluster IP validates.
	env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "10.96.0.0/16")
	cfg, err := env.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "envtest:", err)
		return 1
	}
	defer env.Stop()
	restCfg = cfg
	admin = kubernetes.NewForConfigOrDie(cfg)
	if err := installProvider(context.Background(), admin); err != nil {
		fmt.Fprintln(os.Stderr, "install provider RBAC:", err)
		return 1
	}
	provider = rest.CopyConfig(cfg)
	provider.Impersonate = rest.ImpersonationConfig{
		UserName: providerUser,
		Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:tpod-system", "system:authenticated"},
	}
	return m.Run()
}

// installProvider creates tpod-system and the objects of
// deploy/kubernetes/{namespace,rbac,admission-policy}.yaml, as an operator would.
func installProvider(ctx context.Context, admin kubernetes.Interface) error {
	for _, file := range []string{"namespace.yaml", "rbac.yaml", "admission-policy.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "kubernetes", file))
		if err != nil {
			return err
		}
		for _, doc := range strings.Split(string(data), "\n---\n") {
			obj, _, err := scheme.Codecs.UniversalDeserializer().Decode([]byte(doc), nil, nil)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			switch o := obj.(type) {
			case *corev1.Namespace:
				_, err = admin.CoreV1().Namespaces().Create(ctx, o, metav1.CreateOptions{})
			case *corev1.ServiceAccount:
				_, err = admin.CoreV1().ServiceAccounts(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			case *rbacv1.ClusterRole:
				_, err = admin.RbacV1().ClusterRoles().Create(ctx, o, metav1.CreateOptions{})
				if apierrors.IsAlreadyExists(err) { // a cluster kept from an older run
					_, err = admin.RbacV1().ClusterRoles().Update(ctx, o, metav1.UpdateOptions{})
				}
			case *rbacv1.ClusterRoleBinding:
				_, err = admin.RbacV1().ClusterRoleBindings().Create(ctx, o, metav1.CreateOptions{})
			case *rbacv1.Role:
				_, err = admin.RbacV1().Roles(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			case *rbacv1.RoleBinding:
				_, err = admin.RbacV1().RoleBindings(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
			case *admissionv1.ValidatingAdmissionPolicy:
				_, err = admin.AdmissionregistrationV1().ValidatingAdmissionPolicies().Create(ctx, o, metav1.CreateOptions{})
			case *admissionv1.ValidatingAdmissionPolicyBinding:
				_, err = admin.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().Create(ctx, o, metav1.CreateOptions{})
			default:
				err = fmt.Errorf("unexpected %T", obj)
			}
			if err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("%s: %w", file, err)
			}
		}
	}
	return nil
}

var metav1CreateOptions = metav1.CreateOptions{}

func needCluster(t *testing.T) {
	t.Helper()
	if restCfg == nil {
		t.Skip("no API server (KUBEBUILDER_ASSETS unset)")
	}
}

// testRegistry serves a Registry on 127.0.0.1.
func testRegistry(t testing.TB) *Registry {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := NewRegistry(ln.Addr().String(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(reg)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return reg
}

func newRuntime(t *testing.T, cfg Config) *Runtime {
	t.Helper()
	cfg.noWait = true // no kubelet: the test plays it
	r, err := New(provider, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// imageArchive writes a small random image as an OCI layout tar.
func imageArchive(t *testing.T) (string, v1.Image) {
	t.Helper()
	img, err := random.Image(2048, 2)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "image.tar")
	if err := testimage.WriteLayoutTar(path, img); err != nil {
		t.Fatal(err)
	}
	return path, img
}

func digestOf(t *testing.T, img v1.Image) string {
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

const channel = "0x3f5ce5fbfe3e9af3971dd833d26ba9b5c936f0be7d8a7e3b1b8f4a5c6d7e8f90"

func webSpec(id, archive, digest string) runtime.PodSpec {
	return runtime.PodSpec{
		ID:     id,
		Labels: map[string]string{LabelChannel: channel, "app": "demo"},
		Containers: []runtime.Container{
			{
				Name:      "web",
				Image:     runtime.Image{Archive: archive, Digest: digest},
				Args:      []string{"serve"},
				Env:       map[string]string{"MODE": "prod", "LEVEL": "2"},
				Ports:     []runtime.Port{{Name: "http", ContainerPort: 8080}, {ContainerPort: 5353, Protocol: "udp"}},
				Resources: runtime.Resources{CPUMillis: 500, MemoryMiB: 256, StorageMiB: 1024},
				Mounts: []runtime.Mount{
					{Volume: "data", Path: "/data"},
					{Volume: "tmp", Path: "/tmp"},
					{Volume: "keys", Path: "/run/keys"},
				},
			},
			{
				Name:      "side",
				Image:     runtime.Image{Ref: "registry.internal/side:1", Digest: "sha256:" + strings.Repeat("ab", 32)},
				Resources: runtime.Resources{CPUMillis: 100, MemoryMiB: 64, StorageMiB: 512},
				Mounts:    []runtime.Mount{{Volume: "keys", Path: "/keys", ReadOnly: true}},
			},
		},
		Volumes: []runtime.Volume{
			{Name: "data", Kind: runtime.Persistent},
			{Name: "tmp", Kind: runtime.EmptyDir},
			{Name: "keys", Kind: runtime.Secret, Files: map[string][]byte{"api.key": []byte("s3cret-from-enclave")}},
		},
	}
}

// controllers plays the parts a real cluster's controller-manager and
// kubelet would: it creates the replicas a Deployment asks for and reports
// their containers running.
type controllers struct {
	t    *testing.T
	ns   string
	id   string
	node string // node the replicas are bound to ("" for none)
}

func (c controllers) sync(ctx context.Context, ip string) []corev1.Pod {
	t := c.t
	t.Helper()
	d, err := admin.AppsV1().Deployments(c.ns).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sel := metav1.ListOptions{LabelSelector: labels.SelectorFromSet(d.Spec.Selector.MatchLabels).String()}
	pods, err := admin.CoreV1().Pods(c.ns).List(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(pods.Items); i < int(*d.Spec.Replicas); i++ {
		p := &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{GenerateName: "pod-", Labels: d.Spec.Template.Labels},
			Spec:       d.Spec.Template.Spec,
		}
		p.Spec.NodeName = c.node
		// Admission (PodSecurity baseline, LimitRanger, quota) checks it.
		p, err := admin.CoreV1().Pods(c.ns).Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create replica: %v", err)
		}
		p.Status.Phase = corev1.PodRunning
		p.Status.PodIP = ip
		p.Status.PodIPs = []corev1.PodIP{{IP: ip}}
		for _, ct := range p.Spec.Containers {
			p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
				Name: ct.Name, Image: ct.Image, Ready: true,
				State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.Now()}},
			})
		}
		if _, err := admin.CoreV1().Pods(c.ns).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("kubelet status: %v", err)
		}
	}
	pods, err = admin.CoreV1().Pods(c.ns).List(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	return pods.Items
}

func TestLifecycleObjects(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	if _, err := admin.NodeV1().RuntimeClasses().Create(ctx, &nodev1.RuntimeClass{ObjectMeta: metav1.ObjectMeta{Name: "kata-qemu-snp"}, Handler: "kata-qemu-snp"}, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	reg := testRegistry(t)
	r := newRuntime(t, Config{Instance: "t1", RuntimeClass: "kata-qemu-snp", StorageClass: "local-path", Images: reg})
	archive, img := imageArchive(t)
	spec := webSpec("web1", archive, digestOf(t, img))

	if err := r.Create(ctx, spec); err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := r.Create(ctx, spec); !errors.Is(err, runtime.ErrExists) {
		t.Fatalf("second Create: %v, want ErrExists", err)
	}
	nsName, err := r.Namespace(ctx, "web1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(nsName, "tpod-web1-") {
		t.Fatalf("namespace %q", nsName)
	}

	// Namespace: labels for pod, channel (hashed: too long for a label),
	// provider and pod security; the spec without secrets.
	ns, err := admin.CoreV1().Namespaces().Get(ctx, nsName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantLabels := map[string]string{LabelPod: "web1", LabelProvider: "t1", LabelManagedBy: "tpod", LabelChannel: labelValue(channel), "pod-security.kubernetes.io/enforce": "baseline"}
	for k, v := range wantLabels {
		if ns.Labels[k] != v {
			t.Errorf("namespace label %s=%q, want %q", k, ns.Labels[k], v)
		}
	}
	if !strings.HasPrefix(ns.Labels[LabelChannel], "sha256-") || ns.Annotations[LabelChannel] != channel {
		t.Errorf("channel label %q annotation %q", ns.Labels[LabelChannel], ns.Annotations[LabelChannel])
	}
	if strings.Contains(ns.Annotations[annSpec], "s3cret") {
		t.Error("namespace annotation holds secret data")
	}

	// Deployment: zero replicas until Start, the pod template as built.
	d, err := admin.AppsV1().Deployments(nsName).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *d.Spec.Replicas != 0 || d.Annotations[annStarted] != "false" {
		t.Errorf("created deployment replicas=%d started=%q", *d.Spec.Replicas, d.Annotations[annStarted])
	}
	if d.Spec.Strategy.Type != "Recreate" {
		t.Errorf("strategy %q, want Recreate for a pod with a persistent volume", d.Spec.Strategy.Type)
	}
	ps := d.Spec.Template.Spec
	if ps.RuntimeClassName == nil || *ps.RuntimeClassName != "kata-qemu-snp" {
		t.Errorf("runtimeClassName %v", ps.RuntimeClassName)
	}
	if *ps.AutomountServiceAccountToken || ps.ServiceAccountName != workloadSA {
		t.Error("workload gets a service account token")
	}
	if len(ps.ImagePullSecrets) != 1 || ps.ImagePullSecrets[0].Name != pullSecretName {
		t.Errorf("imagePullSecrets %v", ps.ImagePullSecrets)
	}
	web, side := ps.Containers[0], ps.Containers[1]
	wantRef := reg.Host() + "/web1/web@" + digestOf(t, img)
	if web.Image != wantRef {
		t.Errorf("web image %q, want %q", web.Image, wantRef)
	}
	if side.Image != "registry.internal/side:1@sha256:"+strings.Repeat("ab", 32) {
		t.Errorf("side image %q", side.Image)
	}
	if got := web.Resources.Limits; got.Cpu().MilliValue() != 500 || got.Memory().Value() != 256<<20 || got.StorageEphemeral().Value() != 1<<30 {
		t.Errorf("web limits %v", got)
	}
	if !equality(web.Resources.Limits, web.Resources.Requests) {
		t.Error("requests differ from limits")
	}
	if len(web.Env) != 2 || web.Env[0].Name != "LEVEL" || web.Env[1].Value != "prod" {
		t.Errorf("env %v", web.Env)
	}
	if len(web.Ports) != 2 || web.Ports[0].Name != "http" || web.Ports[1].Protocol != corev1.ProtocolUDP {
		t.Errorf("ports %v", web.Ports)
	}
	if !web.VolumeMounts[2].ReadOnly || web.VolumeMounts[0].ReadOnly {
		t.Errorf("mounts %v (secret mounts are read-only)", web.VolumeMounts)
	}
	if *web.SecurityContext.AllowPrivilegeEscalation {
		t.Error("privilege escalation allowed")
	}
	vols := map[string]corev1.Volume{}
	for _, v := range ps.Volumes {
		vols[v.Name] = v
	}
	if vols["data"].PersistentVolumeClaim == nil || vols["tmp"].EmptyDir == nil || vols["tmp"].EmptyDir.SizeLimit.Value() != 1536<<20 || vols["keys"].Secret == nil {
		t.Errorf("volumes %+v", ps.Volumes)
	}

	// Secrets: the enclave's data, and a pull secret for the registry.
	sec, err := admin.CoreV1().Secrets(nsName).Get(ctx, "vol-keys", metav1.GetOptions{})
	if err != nil || string(sec.Data["api.key"]) != "s3cret-from-enclave" {
		t.Fatalf("secret: %v %v", err, sec)
	}
	pull, err := admin.CoreV1().Secrets(nsName).Get(ctx, pullSecretName, metav1.GetOptions{})
	if err != nil || pull.Type != corev1.SecretTypeDockerConfigJson {
		t.Fatalf("pull secret: %v", err)
	}

	// Claim: the whole storage bound of the pod (one persistent volume).
	pvc, err := admin.CoreV1().PersistentVolumeClaims(nsName).Get(ctx, "vol-data", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if q := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; q.Value() != 1536<<20 || *pvc.Spec.StorageClassName != "local-path" {
		t.Errorf("claim %v class %v", q.String(), pvc.Spec.StorageClassName)
	}

	// Service: ClusterIP with both ports.
	svc, err := admin.CoreV1().Services(nsName).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Spec.Type != corev1.ServiceTypeClusterIP || len(svc.Spec.Ports) != 2 || svc.Spec.Selector[LabelPod] != "web1" || svc.Spec.ClusterIP == "" {
		t.Errorf("service %+v", svc.Spec)
	}

	// Network policies: deny all, admit the gateway, egress to the internet.
	nps, err := admin.NetworkingV1().NetworkPolicies(nsName).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]networkingv1.NetworkPolicy{}
	for _, np := range nps.Items {
		byName[np.Name] = np
	}
	deny := byName[denyAllName]
	if len(deny.Spec.PolicyTypes) != 2 || len(deny.Spec.Ingress)+len(deny.Spec.Egress) != 0 || len(deny.Spec.PodSelector.MatchLabels) != 0 {
		t.Errorf("default deny %+v", deny.Spec)
	}
	gw := byName[gatewayName].Spec
	if len(gw.Ingress) != 1 || gw.Ingress[0].From[0].NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] != "tpod-system" ||
		gw.Ingress[0].From[0].PodSelector.MatchLabels["app.kubernetes.io/name"] != "tpod-provider" || len(gw.Ingress[0].Ports) != 2 {
		t.Errorf("gateway policy %+v", gw)
	}
	eg := byName[egressName].Spec
	if len(eg.Egress) != 2 || eg.Egress[0].To[0].IPBlock.CIDR != "0.0.0.0/0" || len(eg.Egress[0].To[0].IPBlock.Except) == 0 {
		t.Errorf("egress policy %+v", eg)
	}

	// Quota and limits.
	q, err := admin.CoreV1().ResourceQuotas(nsName).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hard := q.Spec.Hard
	for name, want := range map[corev1.ResourceName]string{
		"pods": "2", "requests.cpu": "1200m", "limits.memory": "640Mi", "requests.ephemeral-storage": "3Gi",
		"requests.storage": "1536Mi", "persistentvolumeclaims": "1", "services.nodeports": "0", "services.loadbalancers": "0",
		"requests.nvidia.com/gpu": "0",
	} {
		if got := hard[name]; got.Cmp(resource.MustParse(want)) != 0 {
			t.Errorf("quota %s = %s, want %s", name, got.String(), want)
		}
	}
	lr, err := admin.CoreV1().LimitRanges(nsName).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lr.Spec.Limits) != 2 || lr.Spec.Limits[0].Max.Cpu().MilliValue() != 500 || lr.Spec.Limits[1].Max.Storage().Value() != 1536<<20 {
		t.Errorf("limit range %+v", lr.Spec.Limits)
	}

	st, err := r.Status(ctx, "web1")
	if err != nil || st.State != runtime.PodCreated || len(st.Containers) != 2 {
		t.Fatalf("Status after Create: %+v %v", st, err)
	}
	list, err := r.List(ctx)
	if err != nil || len(list) != 1 || list[0].Spec.ID != "web1" || list[0].State != runtime.PodCreated {
		t.Fatalf("List: %+v %v", list, err)
	}
	if files := list[0].Spec.Volumes[2].Files; len(files) != 1 || files["api.key"] != nil {
		t.Errorf("List returned secret bytes: %v", files)
	}

	// Start: one replica; the test's controllers create it and run it.
	if err := r.Start(ctx, "web1"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := r.Start(ctx, "web1"); err != nil {
		t.Fatalf("second Start: %v", err)
	}
	ctl := controllers{t: t, ns: nsName, id: "web1"}
	pods := ctl.sync(ctx, "10.244.0.7")
	if len(pods) != 1 {
		t.Fatalf("%d replicas, want 1", len(pods))
	}
	st, err = r.Status(ctx, "web1")
	if err != nil || st.State != runtime.PodRunning || st.IP != svc.Spec.ClusterIP {
		t.Fatalf("Status after Start: %+v %v", st, err)
	}
	u, err := r.Usage(ctx, "web1")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Running || u.Reserved.CPUMillis != 600 || u.Reserved.MemoryMiB != 320 || u.VolumeBytes != 1536<<20 || u.Since.IsZero() {
		t.Errorf("Usage %+v", u)
	}

	// The kubelet can pull the image with the namespace's pull secret.
	pullWith(t, pull, wantRef, digestOf(t, img))

	// A container is OOM-killed: partial.
	p := pods[0]
	p.Status.ContainerStatuses[1].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled", StartedAt: metav1.Now(), FinishedAt: metav1.Now()}}
	if _, err := admin.CoreV1().Pods(nsName).UpdateStatus(ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err = r.Status(ctx, "web1")
	if err != nil || st.State != runtime.PodPartial || !st.Containers[1].OOMKilled || st.Containers[1].ExitCode != 137 {
		t.Fatalf("Status after OOM: %+v %v", st, err)
	}

	// Update: new env, the secret changes, the emptyDir goes; the claim stays.
	oldPVC := pvc.UID
	spec2 := webSpec("web1", archive, digestOf(t, img))
	spec2.Containers[0].Env["MODE"] = "debug"
	spec2.Containers[0].Mounts = spec2.Containers[0].Mounts[:1]
	spec2.Containers[1].Mounts = nil
	spec2.Volumes = spec2.Volumes[:1]
	if err := r.Update(ctx, spec2, 3*time.Second); err != nil {
		t.Fatalf("Update: %v", err)
	}
	d, _ = admin.AppsV1().Deployments(nsName).Get(ctx, objName, metav1.GetOptions{})
	if *d.Spec.Replicas != 1 || d.Spec.Template.Spec.Containers[0].Env[1].Value != "debug" || *d.Spec.Template.Spec.TerminationGracePeriodSeconds != 3 {
		t.Errorf("updated deployment: replicas %d template %+v", *d.Spec.Replicas, d.Spec.Template.Spec.Containers[0].Env)
	}
	if _, err := admin.CoreV1().Secrets(nsName).Get(ctx, "vol-keys", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("removed secret volume still has its Secret: %v", err)
	}
	if pvc, err := admin.CoreV1().PersistentVolumeClaims(nsName).Get(ctx, "vol-data", metav1.GetOptions{}); err != nil || pvc.UID != oldPVC {
		t.Errorf("claim not kept across Update: %v", err)
	}
	if _, err := admin.CoreV1().Pods(nsName).Get(ctx, pods[0].Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the old replica survived Update: %v", err)
	}
	if n := len(ctl.sync(ctx, "10.244.0.8")); n != 1 {
		t.Errorf("%d replicas after Update", n)
	}

	// Stop: zero replicas, the old replica deleted.
	if err := r.Stop(ctx, "web1", time.Second); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	d, _ = admin.AppsV1().Deployments(nsName).Get(ctx, objName, metav1.GetOptions{})
	if *d.Spec.Replicas != 0 {
		t.Errorf("stopped deployment has %d replicas", *d.Spec.Replicas)
	}
	left, _ := admin.CoreV1().Pods(nsName).List(ctx, metav1.ListOptions{})
	if len(left.Items) != 0 {
		t.Errorf("%d pods left after Stop", len(left.Items))
	}
	st, err = r.Status(ctx, "web1")
	if err != nil || st.State != runtime.PodStopped {
		t.Fatalf("Status after Stop: %+v %v", st, err)
	}
	if u, err := r.Usage(ctx, "web1"); err != nil || u.Running || u.Reserved.CPUMillis != 0 || u.VolumeBytes == 0 {
		t.Errorf("Usage when stopped: %+v %v", u, err)
	}

	// Delete: the namespace goes (its finalizer needs the namespace
	// controller, absent here), the pod is gone for the backend, the
	// registry forgets it, and the ID can be used again.
	if err := r.Delete(ctx, "web1", time.Second); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	ns, err = admin.CoreV1().Namespaces().Get(ctx, nsName, metav1.GetOptions{})
	if err == nil && ns.DeletionTimestamp == nil {
		t.Error("namespace not being deleted")
	}
	if _, err := r.Status(ctx, "web1"); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("Status after Delete: %v", err)
	}
	if err := r.Delete(ctx, "web1", 0); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatalf("Create after Delete: %v", err)
	}
	if err := r.Delete(ctx, "web1", 0); err != nil {
		t.Fatal(err)
	}
}

func equality(a, b corev1.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v.Cmp(w) != 0 {
			return false
		}
	}
	return true
}

// pullWith pulls ref as a kubelet would with the dockerconfigjson secret,
// and checks that no credentials, or another pod's, are refused.
func pullWith(t *testing.T, pull *corev1.Secret, ref, digest string) {
	t.Helper()
	var cfg struct {
		Auths map[string]struct{ Username, Password string }
	}
	if err := json.Unmarshal(pull.Data[corev1.DockerConfigJsonKey], &cfg); err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := cfg.Auths[r.Context().RegistryStr()]
	if !ok {
		t.Fatalf("pull secret has no entry for %s: %v", r.Context().RegistryStr(), cfg.Auths)
	}
	img, err := remote.Image(r, remote.WithAuth(&authn.Basic{Username: a.Username, Password: a.Password}))
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	if d, _ := img.Digest(); d.String() != digest {
		t.Fatalf("pulled %s, want %s", d, digest)
	}
	if _, err := remote.Image(r); err == nil {
		t.Error("anonymous pull succeeded")
	}
	if _, err := remote.Image(r, remote.WithAuth(&authn.Basic{Username: "other", Password: a.Password})); err == nil {
		t.Error("pull with another pod's name succeeded")
	}
	resp, err := http.Get("http://" + r.Context().RegistryStr() + "/v2/_catalog")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("catalog is public")
		}
	}
}

// TestScaleRange: a stateless pod with scale 2..5 gets two replicas and an
// autoscaler; scale-to-zero (min 0) starts one replica on demand.
func TestScaleRange(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	r := newRuntime(t, Config{Instance: "t2"})
	spec := runtime.PodSpec{
		ID:     "api",
		Labels: map[string]string{LabelScaleMin: "2", LabelScaleMax: "5", LabelChannel: "42"},
		Containers: []runtime.Container{{
			Name: "api", Image: runtime.Image{Ref: "example.org/api:1"},
			Ports:     []runtime.Port{{ContainerPort: 80}},
			Resources: runtime.Resources{CPUMillis: 250, MemoryMiB: 128, GPUs: 1},
		}},
	}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	ns, _ := r.Namespace(ctx, "api")
	got, _ := admin.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	if got.Labels[LabelChannel] != "42" {
		t.Errorf("channel label %q", got.Labels[LabelChannel])
	}
	if err := r.Start(ctx, "api"); err != nil {
		t.Fatal(err)
	}
	d, _ := admin.AppsV1().Deployments(ns).Get(ctx, objName, metav1.GetOptions{})
	if *d.Spec.Replicas != 2 || d.Spec.Strategy.Type == "Recreate" {
		t.Errorf("replicas %d strategy %q", *d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	if g := d.Spec.Template.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"]; g.Value() != 1 {
		t.Errorf("gpu limit %v", g)
	}
	hpa, err := admin.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, objName, metav1.GetOptions{})
	if err != nil || *hpa.Spec.MinReplicas != 2 || hpa.Spec.MaxReplicas != 5 {
		t.Fatalf("autoscaler: %v %+v", err, hpa)
	}
	q, _ := admin.CoreV1().ResourceQuotas(ns).Get(ctx, objName, metav1.GetOptions{})
	if p := q.Spec.Hard[corev1.ResourcePods]; p.Value() != 6 {
		t.Errorf("quota pods %v, want max+1", p.String())
	}
	ctl := controllers{t: t, ns: ns, id: "api"}
	ctl.sync(ctx, "10.244.1.3")
	u, err := r.Usage(ctx, "api")
	if err != nil || u.Reserved.CPUMillis != 500 || u.Reserved.GPUs != 2 {
		t.Errorf("Usage of 2 replicas %+v %v", u, err)
	}
	if err := r.Stop(ctx, "api", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AutoscalingV2().HorizontalPodAutoscalers(ns).Get(ctx, objName, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("autoscaler left after Stop: %v", err)
	}

	// Scale to zero: min 0 → one replica when started, no autoscaler.
	spec.Labels[LabelScaleMin], spec.Labels[LabelScaleMax] = "0", "1"
	if err := r.Update(ctx, spec, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, "api"); err != nil {
		t.Fatal(err)
	}
	d, _ = admin.AppsV1().Deployments(ns).Get(ctx, objName, metav1.GetOptions{})
	if *d.Spec.Replicas != 1 {
		t.Errorf("scale-to-zero pod started with %d replicas", *d.Spec.Replicas)
	}
	if err := r.Delete(ctx, "api", 0); err != nil {
		t.Fatal(err)
	}
}

// TestUnavailable: a missing RuntimeClass and archives without an image
// store are refused before anything is created.
func TestUnavailable(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	r := newRuntime(t, Config{Instance: "t3", RuntimeClass: "kata-qemu-tdx-missing"})
	spec := runtime.PodSpec{ID: "x", Containers: []runtime.Container{{Name: "c", Image: runtime.Image{Ref: "example.org/c:1"}}}}
	if err := r.Create(ctx, spec); !errors.Is(err, runtime.ErrUnavailable) {
		t.Fatalf("Create with a missing runtime class: %v", err)
	}
	r = newRuntime(t, Config{Instance: "t3"})
	spec.Containers[0].Image = runtime.Image{Archive: "/nonexistent.tar"}
	if err := r.Create(ctx, spec); !errors.Is(err, runtime.ErrUnavailable) {
		t.Fatalf("Create with an archive and no image store: %v", err)
	}
	if l, err := r.List(ctx); err != nil || len(l) != 0 {
		t.Fatalf("List after refused creates: %v %v", l, err)
	}
	if err := r.Start(ctx, "nope"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Start of a missing pod: %v", err)
	}
	spec.ID = "Bad_ID"
	if err := r.Create(ctx, spec); !errors.Is(err, runtime.ErrInvalid) {
		t.Fatalf("Create with a bad ID: %v", err)
	}
}

// TestProviderConfined: the provider's service account cannot read Secrets,
// nor write outside its pods' namespaces (RBAC + admission policy).
func TestProviderConfined(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	pc := kubernetes.NewForConfigOrDie(provider)
	if _, err := pc.CoreV1().Secrets("tpod-system").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("provider lists secrets: %v", err)
	}
	// The admission policy takes effect once its informer has synced.
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := pc.CoreV1().Secrets("default").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{GenerateName: "x-"}}, metav1.CreateOptions{})
		if apierrors.IsForbidden(err) || apierrors.IsInvalid(err) {
			break
		}
		if err == nil && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		t.Fatalf("provider writes into a foreign namespace: %v", err)
	}
	_, err := pc.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "sneaky", Labels: map[string]string{LabelManagedBy: "tpod", "pod-security.kubernetes.io/enforce": "privileged"}}}, metav1.CreateOptions{})
	if err == nil {
		t.Error("provider created a privileged namespace")
	}
	if err := pc.CoreV1().Namespaces().Delete(ctx, "tpod-system", metav1.DeleteOptions{}); err == nil {
		t.Error("provider deleted its own system namespace")
	}
}

func TestRegistryArchives(t *testing.T) {
	// Docker-save tars and OCI layout directories load too; bad tars do not.
	_, img := imageArchive(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tar")
	var buf bytes.Buffer
	buf.WriteString("not a tar")
	if err := os.WriteFile(bad, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadArchive(bad); !errors.Is(err, runtime.ErrInvalid) {
		t.Errorf("LoadArchive(garbage) = %v", err)
	}
	reg, err := NewRegistry("127.0.0.1:1", "")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := reg.Push(context.Background(), "p", "c", img)
	if err != nil || !strings.HasSuffix(ref, "/p/c@"+digestOf(t, img)) {
		t.Fatalf("Push: %q %v", ref, err)
	}
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/v2/p/c/manifests/latest", io.NopCloser(strings.NewReader("{}"))))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("push over the network: HTTP %d", rec.Code)
	}
	if err := reg.Remove(context.Background(), "p"); err != nil {
		t.Fatal(err)
	}
}

// TestQuotaEnforced: with the quota controller's part played (status
// written), the API server refuses a replica beyond the pod's quota.
func TestQuotaEnforced(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	r := newRuntime(t, Config{Instance: "t4"})
	spec := runtime.PodSpec{ID: "quota", Containers: []runtime.Container{{
		Name: "c", Image: runtime.Image{Ref: "example.org/c:1"},
		Resources: runtime.Resources{CPUMillis: 300, MemoryMiB: 100},
	}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(ctx, "quota", 0)
	ns, _ := r.Namespace(ctx, "quota")
	q, err := admin.CoreV1().ResourceQuotas(ns).Get(ctx, objName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q.Status.Hard = q.Spec.Hard
	q.Status.Used = corev1.ResourceList{}
	for k := range q.Spec.Hard {
		q.Status.Used[k] = resource.MustParse("0")
	}
	if _, err := admin.CoreV1().ResourceQuotas(ns).UpdateStatus(ctx, q, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, "quota"); err != nil {
		t.Fatal(err)
	}
	controllers{t: t, ns: ns, id: "quota"}.sync(ctx, "10.244.2.2")
	d, _ := admin.AppsV1().Deployments(ns).Get(ctx, objName, metav1.GetOptions{})
	// Two pods fit (max 1 + 1 for a rollout); a third, or a bigger one, does not.
	big := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "big-"}, Spec: *d.Spec.Template.Spec.DeepCopy()}
	big.Spec.Containers[0].Resources.Limits[corev1.ResourceCPU] = resource.MustParse("2")
	big.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("2")
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, big, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("pod above the limit range and quota admitted: %v", err)
	}
	second := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "second-"}, Spec: *d.Spec.Template.Spec.DeepCopy()}
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, second, metav1.CreateOptions{}); err != nil {
		t.Errorf("second replica (rollout surge) refused: %v", err)
	}
	third := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: "third-"}, Spec: *d.Spec.Template.Spec.DeepCopy()}
	if _, err := admin.CoreV1().Pods(ns).Create(ctx, third, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("third replica admitted beyond the quota: %v", err)
	}
}

func TestMeterIntegratesRate(t *testing.T) {
	m := meter{runs: map[string]*meterRun{}}
	t0 := time.Unix(1000, 0)
	m.start("p", t0)
	since, cpu := m.add("p", t0.Add(2*time.Second), true, PodMetrics{CPUNanoCores: 500_000_000})
	if !since.Equal(t0) || cpu != 1_000_000_000 {
		t.Fatalf("after 2 s at half a core: since %v cpu %d", since, cpu)
	}
	// A long gap counts at most 10 s.
	_, cpu = m.add("p", t0.Add(62*time.Second), true, PodMetrics{CPUNanoCores: 1_000_000_000})
	if cpu != 11_000_000_000 {
		t.Fatalf("after a 60 s gap: cpu %d", cpu)
	}
	// Not running ends the run; running again starts a new one from zero.
	if s, c := m.add("p", t0.Add(63*time.Second), false, PodMetrics{}); !s.IsZero() || c != 0 {
		t.Fatalf("stopped: %v %d", s, c)
	}
	since, cpu = m.add("p", t0.Add(70*time.Second), true, PodMetrics{CPUNanoCores: 1})
	if !since.Equal(t0.Add(70*time.Second)) || cpu != 0 {
		t.Fatalf("new run: %v %d", since, cpu)
	}
}
