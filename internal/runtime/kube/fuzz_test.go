package kube

import (
	"archive/tar"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// FuzzUntar: archives come from publishers' bundles; extraction must never
// write outside its directory nor panic.
func FuzzUntar(f *testing.F) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "index.json", Mode: 0o600, Size: 2, Typeflag: tar.TypeReg})
	tw.Write([]byte("{}"))
	tw.WriteHeader(&tar.Header{Name: "blobs/", Mode: 0o700, Typeflag: tar.TypeDir})
	tw.Close()
	f.Add(buf.Bytes())
	buf.Reset()
	tw = tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "../escape", Mode: 0o600, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		src := filepath.Join(root, "in.tar")
		if err := os.WriteFile(src, data, 0o600); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(root, "out")
		os.Mkdir(dst, 0o700)
		_ = untar(src, dst)
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			if e.Name() != "in.tar" && e.Name() != "out" {
				t.Fatalf("extraction wrote %s outside its directory", e.Name())
			}
		}
		_, _ = LoadArchive(src)
	})
}

// FuzzRegistryRequest: paths and credentials come from the cluster network.
func FuzzRegistryRequest(f *testing.F) {
	f.Add("GET", "/v2/", "pod", "x")
	f.Add("GET", "/v2/pod/web/manifests/sha256:00", "pod", "x")
	f.Add("HEAD", "/v2/other/web/blobs/sha256:00", "pod", "x")
	f.Add("GET", "/v2/_catalog", "pod", "x")
	reg, err := NewRegistry("127.0.0.1:5000", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, user, pass string) {
		req, err := http.NewRequest(method, "http://127.0.0.1:5000/", nil)
		if err != nil {
			return
		}
		req.URL.Path = path
		req.SetBasicAuth(user, pass)
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			t.Fatalf("%s %s with unknown credentials answered 200", method, path)
		}
	})
}

// FuzzSummary: a kubelet's summary is decoded by the meter; a malformed or
// hostile answer must give an error or a result, never a panic.
func FuzzSummary(f *testing.F) {
	f.Add([]byte(`{"pods":[{"podRef":{"name":"p","namespace":"n","uid":"u"},"containers":[{"name":"c","startTime":"2026-12-03T10:00:00Z","cpu":{"usageNanoCores":5,"usageCoreNanoSeconds":7},"memory":{"workingSetBytes":9},"rootfs":{"usedBytes":11}}],"network":{"name":"eth0","txBytes":3,"interfaces":[{"name":"eth0","txBytes":3}]}}]}`))
	f.Add([]byte(`{"pods":[null,{}]}`))
	f.Add([]byte(`{"pods":[{"containers":[{"startTime":"bad"}]}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pods, err := parseSummary(bytes.NewReader(data))
		if err != nil {
			return
		}
		for key, p := range pods {
			if key != p.PodRef.Namespace+"/"+p.PodRef.Name {
				t.Fatalf("pod %q filed under %q", p.PodRef.Name, key)
			}
			_ = p.Network.txBytes()
		}
	})
}
