package kube

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// The tests in cluster_*_test.go and the conformance suite run against the
// real single-node cluster of scripts/testenv-cluster.sh: a kubelet runs the
// containers, kube-proxy routes the Services' cluster IPs on this host. The
// backend runs with a token of the provider's service account (RBAC and
// admission policy of deploy/kubernetes), which the kubelet checks too.

var (
	clusterAdmin    kubernetes.Interface
	clusterProvider *rest.Config
	// clusterHosts is the containerd registry host configuration directory
	// of the cluster's node (certs.d): tests add their registry to it.
	clusterHosts string
)

// setupCluster connects to the cluster named by TPOD_TEST_KUBECONFIG, if any.
func setupCluster(ctx context.Context) error {
	path := os.Getenv("TPOD_TEST_KUBECONFIG")
	if path == "" {
		if os.Getenv("CI") == "true" {
			return fmt.Errorf("TPOD_TEST_KUBECONFIG not set: run `eval $(bash scripts/testenv-cluster.sh start)`")
		}
		fmt.Fprintln(os.Stderr, "kube: TPOD_TEST_KUBECONFIG not set; tests on a real cluster skipped (scripts/testenv-cluster.sh start)")
		return nil
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return err
	}
	clusterAdmin = kubernetes.NewForConfigOrDie(cfg)
	if err := installProvider(ctx, clusterAdmin); err != nil {
		return fmt.Errorf("install provider RBAC: %w", err)
	}
	exp := int64(2 * 3600)
	tok, err := clusterAdmin.CoreV1().ServiceAccounts("tpod-system").CreateToken(ctx, "tpod-provider",
		&authv1.TokenRequest{Spec: authv1.TokenRequestSpec{ExpirationSeconds: &exp}}, metav1CreateOptions)
	if err != nil {
		return fmt.Errorf("provider token: %w", err)
	}
	clusterProvider = rest.AnonymousClientConfig(cfg)
	clusterProvider.BearerToken = tok.Status.Token
	clusterHosts = os.Getenv("TPOD_TEST_CLUSTER_REGISTRY_HOSTS")
	return nil
}

func needRealCluster(t testing.TB) {
	t.Helper()
	if clusterProvider == nil {
		t.Skip("no cluster (TPOD_TEST_KUBECONFIG unset; scripts/testenv-cluster.sh start)")
	}
}

// clusterRegistry serves a Registry on 127.0.0.1 that the node's containerd
// pulls from over plain HTTP.
func clusterRegistry(t testing.TB) *Registry {
	t.Helper()
	reg := testRegistry(t)
	host := reg.Host()
	if _, _, err := net.SplitHostPort(host); err != nil {
		t.Fatal(err)
	}
	if clusterHosts == "" {
		t.Fatal("TPOD_TEST_CLUSTER_REGISTRY_HOSTS not set (scripts/testenv-cluster.sh)")
	}
	dir := filepath.Join(clusterHosts, host)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("server = %q\n[host.%q]\n  capabilities = [\"pull\", \"resolve\"]\n", "http://"+host, "http://"+host)
	if err := os.WriteFile(filepath.Join(dir, "hosts.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return reg
}

// newClusterRuntime returns a backend on the cluster as the provider.
func newClusterRuntime(t testing.TB, cfg Config) *Runtime {
	t.Helper()
	r, err := New(clusterProvider, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func clusterCtx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
