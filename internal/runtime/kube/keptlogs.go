package kube

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// keptLogBytes is how much output of its stopped replicas each container
// keeps (the tail).
const keptLogBytes = 256 << 10

// keptLogs holds the output of replicas that are gone. A stop deletes a
// replica and with it its log on the node, where containerd keeps a pod's
// log across stop and start; the backend reads the log while the replica
// ends and keeps its tail in memory (not across a provider restart).
type keptLogs struct {
	mu sync.Mutex
	m  map[string]map[string][]byte // pod → container → output
}

func (k *keptLogs) add(id, container string, b []byte) {
	if len(b) == 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]map[string][]byte{}
	}
	if k.m[id] == nil {
		k.m[id] = map[string][]byte{}
	}
	all := append(k.m[id][container], b...)
	if len(all) > keptLogBytes {
		all = append([]byte(nil), all[len(all)-keptLogBytes:]...)
	}
	k.m[id][container] = all
}

func (k *keptLogs) get(id, container string) []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]byte(nil), k.m[id][container]...)
}

func (k *keptLogs) forget(id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, id)
}

// tailWriter keeps the last keptLogBytes written to it.
type tailWriter struct{ buf bytes.Buffer }

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if t.buf.Len() > 2*keptLogBytes {
		b := t.buf.Bytes()
		rest := append([]byte(nil), b[len(b)-keptLogBytes:]...)
		t.buf.Reset()
		t.buf.Write(rest)
	}
	return len(p), nil
}

func (t *tailWriter) tail() []byte {
	b := t.buf.Bytes()
	if len(b) > keptLogBytes {
		b = b[len(b)-keptLogBytes:]
	}
	return b
}

// captureLogs follows the log of each running container of replica p
// (until the container exits) and returns a function that waits for the
// streams, at most until limit, and keeps what they carried.
func (r *Runtime) captureLogs(ctx context.Context, id string, p *corev1.Pod, limit time.Duration) func() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	var wg sync.WaitGroup
	type result struct {
		container string
		out       *tailWriter
	}
	results := make(chan result, len(p.Status.ContainerStatuses))
	for _, cs := range p.Status.ContainerStatuses {
		if cs.State.Running == nil {
			continue
		}
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			tw := &tailWriter{}
			rc, err := r.client.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: name, Follow: true}).Stream(ctx)
			if err == nil {
				io.Copy(tw, rc)
				rc.Close()
			}
			results <- result{name, tw}
		}(cs.Name)
	}
	return func() {
		wg.Wait()
		cancel()
		close(results)
		for res := range results {
			r.kept.add(id, res.container, res.out.tail())
		}
	}
}
