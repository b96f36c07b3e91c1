package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/config"
)

func TestConfigDocument(t *testing.T) {
	op := []byte(`{"version":1,"region":"eu","walletAddress":"0x01","chain":{"rpc":"http://h/?a=1&b=2"}}`)
	h := sha256.Sum256(op)
	fc := &FileConfig{OperatorConfig: string(op)}
	doc, err := configDocument(fc, attest.KindSEVSNP, h[:])
	if err != nil {
		t.Fatal(err)
	}
	entries, err := attest.FlattenConfig(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"tee": "sev-snp", "runtime.kind": "containerd", "runtime.sandbox": "gvisor", "runtime.containerd": "private",
		"runtime.pod_to_host": "false", "runtime.pod_to_pod": "false", "runtime.metering": "core", "operator.chain.rpc": "http://h/?a=1&b=2", "operator_sha256": hex.EncodeToString(h[:])}
	got := map[string]string{}
	for _, e := range entries {
		got[e.Path] = e.Value
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (document %s)", k, got[k], v, doc)
		}
	}
	// A kubernetes provider says so; it decides no pod isolation itself.
	kube := &FileConfig{Runtime: RuntimeConfig{Kind: "kubernetes"}}
	kube.Runtime.Kubernetes.RuntimeClass = "gvisor"
	doc, err = configDocument(kube, attest.KindSimulated, nil)
	if err != nil || !strings.Contains(string(doc), `"runtime":{"kind":"kubernetes","runtime_class":"gvisor","metering":"reported"}`) {
		t.Fatalf("kubernetes: %s %v", doc, err)
	}
	// An operator configuration that is not the hashed one is refused.
	other := sha256.Sum256([]byte("x"))
	if _, err := configDocument(fc, attest.KindSEVSNP, other[:]); !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("mismatched operator hash: %v", err)
	}
}
