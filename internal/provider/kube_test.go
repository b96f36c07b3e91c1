package provider

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/runtime/kube"
)

// TestProviderOnKubernetes runs the provider's end-to-end tests with pods on
// the real single-node cluster of scripts/testenv-cluster.sh: deploy and
// serve through the gateway, claims equal to usage × prices, the stop when
// funds run out, restarts with a pricing change, scale to zero and the wake
// on a request.
func TestProviderOnKubernetes(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the test cluster")
	}
	kubeconfig := os.Getenv("TPOD_TEST_KUBECONFIG")
	if kubeconfig == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TPOD_TEST_KUBECONFIG not set: run `eval $(bash scripts/testenv-cluster.sh start)`")
		}
		t.Skip("TPOD_TEST_KUBECONFIG not set (scripts/testenv-cluster.sh start)")
	}
	saved := newTestRuntime
	t.Cleanup(func() { newTestRuntime = saved })
	newTestRuntime = func(t *testing.T) runtime.Runtime { return kubeRuntime(t, kubeconfig) }
	t.Run("EndToEnd", TestProviderEndToEnd)
	t.Run("StopsPodWhenFundsRunOut", TestProviderStopsPodWhenFundsRunOut)
	t.Run("RestartAndPricingChange", TestProviderRestartAndPricingChange)
	t.Run("ScaleToZero", TestProviderScaleToZero)
}

// kubeRuntime is the kube backend on the test cluster, with its image
// registry on 127.0.0.1, which the node's containerd pulls from over HTTP.
func kubeRuntime(t *testing.T, kubeconfig string) runtime.Runtime {
	t.Helper()
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := ln.Addr().String()
	reg, err := kube.NewRegistry(host, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := reg.Server(host)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	hosts := os.Getenv("TPOD_TEST_CLUSTER_REGISTRY_HOSTS")
	if hosts == "" {
		t.Fatal("TPOD_TEST_CLUSTER_REGISTRY_HOSTS not set (scripts/testenv-cluster.sh)")
	}
	dir := filepath.Join(hosts, host)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf("server = %q\n[host.%q]\n  capabilities = [\"pull\", \"resolve\"]\n", "http://"+host, "http://"+host)
	if err := os.WriteFile(filepath.Join(dir, "hosts.toml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	rt, err := kube.New(rc, kube.Config{Instance: "provider-e2e", Images: reg})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}
