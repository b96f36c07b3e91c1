package kube

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// TestDeployManifests submits every object of deploy/kubernetes to the API
// server (server-side dry run: validated and admitted, not stored), so a
// typo or an invalid field in the manifests fails here.
func TestDeployManifests(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	dc := discovery.NewDiscoveryClientForConfigOrDie(restCfg)
	groups, err := restmapper.GetAPIGroupResources(dc)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)
	dyn := dynamic.NewForConfigOrDie(restCfg)
	dir := filepath.Join("..", "..", "..", "deploy", "kubernetes")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	docs := map[string][]byte{}
	for _, f := range files {
		if filepath.Base(f) == "kustomization.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	if data := renderLocal(t); data != nil {
		docs["deploy/local (kustomize)"] = data
	}
	n := 0
	for f, data := range docs {
		for _, doc := range strings.Split(string(data), "\n---\n") {
			var u unstructured.Unstructured
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(u.Object) == 0 {
				continue
			}
			gvk := u.GroupVersionKind()
			m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
			if err != nil {
				t.Fatalf("%s: %s: %v", f, gvk, err)
			}
			var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
			if m.Scope.Name() == meta.RESTScopeNameNamespace {
				ri = dyn.Resource(m.Resource).Namespace(u.GetNamespace())
			}
			_, err = ri.Create(ctx, &u, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}, FieldValidation: "Strict"})
			if apierrors.IsAlreadyExists(err) { // created by TestMain
				err = nil
			}
			if err != nil {
				t.Errorf("%s: %s %s: %v", filepath.Base(f), gvk.Kind, u.GetName(), err)
			}
			n++
			if gvk.Kind == "StatefulSet" {
				// The pod it makes must pass the namespace's "restricted"
				// pod security standard (an emptyDir stands in for the
				// claim of the volume claim template).
				tmpl, _, _ := unstructured.NestedMap(u.Object, "spec", "template")
				pod := &unstructured.Unstructured{Object: tmpl}
				pod.SetAPIVersion("v1")
				pod.SetKind("Pod")
				pod.SetName(u.GetName() + "-0")
				vols, _, _ := unstructured.NestedSlice(pod.Object, "spec", "volumes")
				vols = append(vols, map[string]any{"name": "state", "emptyDir": map[string]any{}})
				unstructured.SetNestedSlice(pod.Object, vols, "spec", "volumes")
				pods := dyn.Resource(corev1.SchemeGroupVersion.WithResource("pods")).Namespace(u.GetNamespace())
				if _, err := pods.Create(ctx, pod, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
					t.Errorf("provider pod: %v", err)
				}
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d objects in deploy/kubernetes", n)
	}
	t.Logf("%d objects accepted", n)
}

// renderLocal renders the deploy/local overlay with kubectl's kustomize (if
// kubectl is installed), with placeholder generated files in a copy.
func renderLocal(t *testing.T) []byte {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Log("kubectl not installed: deploy/local overlay not rendered")
		return nil
	}
	root := t.TempDir()
	for _, d := range []string{"kubernetes", "local"} {
		if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("..", "..", "..", "deploy", d))); err != nil {
			t.Fatal(err)
		}
	}
	gen := filepath.Join(root, "local", "generated")
	os.MkdirAll(gen, 0o700)
	os.WriteFile(filepath.Join(gen, "provider.key"), []byte("0x01"), 0o600)
	os.WriteFile(filepath.Join(gen, "provider.yaml"), []byte("tee: simulated\n"), 0o600)
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(root, "local")).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize deploy/local: %v", err)
	}
	return out
}
