package kube

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/trustedpods/tpod/internal/runtime"
)

// TestLogsThroughAPIServer: the test plays a node's kubelet (an HTTPS server
// on 127.0.0.1 registered as the node's kubelet endpoint); Logs reads a
// container's log through the real API server's pods/log proxy.
func TestLogsThroughAPIServer(t *testing.T) {
	needCluster(t)
	ctx := context.Background()
	var gotPath, gotQuery string
	kubelet := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		gotPath, gotQuery = req.URL.Path, req.URL.RawQuery
		for i := range 3 {
			fmt.Fprintf(w, "line %d\n", i)
		}
		if req.URL.Query().Get("follow") == "true" {
			w.(http.Flusher).Flush()
			select {
			case <-req.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	defer kubelet.Close()
	_, port, _ := net.SplitHostPort(kubelet.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	node, err := admin.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "node-logs"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.CoreV1().Nodes().Delete(ctx, node.Name, metav1.DeleteOptions{})
	node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}}
	node.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(p)
	if _, err := admin.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	r := newRuntime(t, Config{Instance: "t5"})
	spec := runtime.PodSpec{ID: "logs", Containers: []runtime.Container{{Name: "app", Image: runtime.Image{Ref: "example.org/app:1"}}}}
	if err := r.Create(ctx, spec); err != nil {
		t.Fatal(err)
	}
	defer r.Delete(ctx, "logs", 0)
	var buf bytes.Buffer
	if err := r.Logs(ctx, "logs", "app", runtime.LogOptions{}, &buf); err != nil || buf.Len() != 0 {
		t.Fatalf("logs of a pod that never ran: %q %v", buf.String(), err)
	}
	if err := r.Start(ctx, "logs"); err != nil {
		t.Fatal(err)
	}
	ns, _ := r.Namespace(ctx, "logs")
	pods := controllers{t: t, ns: ns, id: "logs", node: node.Name}.sync(ctx, "10.244.3.3")
	if err := r.Logs(ctx, "logs", "app", runtime.LogOptions{}, &buf); err != nil {
		t.Fatalf("Logs: %v", err)
	}
	if buf.String() != "line 0\nline 1\nline 2\n" {
		t.Errorf("logs %q", buf.String())
	}
	if want := "/containerLogs/" + ns + "/" + pods[0].Name + "/app"; gotPath != want {
		t.Errorf("kubelet asked for %s, want %s", gotPath, want)
	}
	// Follow streams until the context ends.
	fctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	buf.Reset()
	start := time.Now()
	if err := r.Logs(fctx, "logs", "app", runtime.LogOptions{Follow: true}, &buf); err != nil {
		t.Fatalf("Logs follow: %v", err)
	}
	if !strings.Contains(gotQuery, "follow=true") || !strings.HasPrefix(buf.String(), "line 0\n") || time.Since(start) < 900*time.Millisecond {
		t.Errorf("follow: query %q, got %q after %v", gotQuery, buf.String(), time.Since(start))
	}
	if err := r.Logs(ctx, "logs", "nope", runtime.LogOptions{}, &buf); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("logs of a missing container: %v", err)
	}
}
