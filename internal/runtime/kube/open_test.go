package kube

import (
	"context"
	"path/filepath"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func TestOpen(t *testing.T) {
	needCluster(t)
	kc := clientcmdapi.NewConfig()
	kc.Clusters["envtest"] = &clientcmdapi.Cluster{Server: restCfg.Host, CertificateAuthorityData: restCfg.CAData}
	kc.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: restCfg.CertData, ClientKeyData: restCfg.KeyData}
	kc.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "admin"}
	kc.CurrentContext = "envtest"
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, path); err != nil {
		t.Fatal(err)
	}
	r, stop, err := Open(context.Background(), Options{
		Kubeconfig: path, Instance: "open", EgressCIDRs: []string{"203.0.113.0/24"},
		Registry: RegistryOptions{Listen: "127.0.0.1:0", PullHost: "10.0.0.10:5000"},
	}, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if r.cfg.Images == nil || len(r.cfg.Egress) != 1 || r.cfg.Egress[0].CIDR != "203.0.113.0/24" {
		t.Errorf("config %+v", r.cfg)
	}
	if _, err := r.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(context.Background(), Options{Kubeconfig: path, EgressCIDRs: []string{"nope"}}, t.TempDir(), nil); err == nil {
		t.Error("bad CIDR accepted")
	}
}
