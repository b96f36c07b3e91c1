package containerd

import (
	"archive/tar"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/containerd/containerd/v2/core/images"
	"github.com/containerd/containerd/v2/core/snapshots"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/testimage"
)

// ourImages lists the names of the images in the runtime's namespace.
func ourImages(t *testing.T, r *Runtime) map[string]string {
	t.Helper()
	imgs, err := r.client.ImageService().List(r.ctx(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, im := range imgs {
		out[im.Name] = im.Target.Digest.String()
	}
	return out
}

// committedSnapshots counts the namespace's committed snapshots (unpacked
// image layers).
func committedSnapshots(t *testing.T, r *Runtime) int {
	t.Helper()
	k := 0
	err := r.client.SnapshotService(snapshotter).Walk(r.ctx(context.Background()), func(_ context.Context, info snapshots.Info) error {
		if info.Kind == snapshots.KindCommitted {
			k++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func podSpec(id string, img testimage.Image) runtime.PodSpec {
	return runtime.PodSpec{ID: id, Containers: []runtime.Container{{
		Name: "app", Image: runtime.Image{Archive: img.Archive, Digest: img.Digest}, Args: []string{"serve"},
		Resources: runtime.Resources{CPUMillis: 100, MemoryMiB: 32},
	}}}
}

// TestImagesCollected: an imported image stays while a pod uses it and goes,
// with its unpacked layers, when the last pod using it is deleted; an
// update to another image collects the old one.
func TestImagesCollected(t *testing.T) {
	r := newTestRuntime(t, testConfig(t, "runc"))
	cleanStale(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pt, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	hello, err := testimage.GoProgram("../../../examples/hello", "/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := podSpec("gc-a", pt), podSpec("gc-b", pt)
	for _, s := range []runtime.PodSpec{a, b} {
		if err := r.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Delete(context.Background(), s.ID, 0) })
	}
	name := imagePrefix + pt.Digest
	if _, ok := ourImages(t, r)[name]; !ok {
		t.Fatalf("image %s not imported: %v", name, ourImages(t, r))
	}
	if err := r.Delete(ctx, a.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := ourImages(t, r)[name]; !ok {
		t.Fatal("the image was collected while pod b still uses it")
	}
	// b moves to another image: the first one is unused now.
	b.Containers[0].Image = runtime.Image{Archive: hello.Archive, Digest: hello.Digest}
	b.Containers[0].Args = nil
	if err := r.Update(ctx, b, 0); err != nil {
		t.Fatal(err)
	}
	imgs := ourImages(t, r)
	if _, ok := imgs[name]; ok {
		t.Errorf("the image pod b left by its update is still there: %v", imgs)
	}
	if _, ok := imgs[imagePrefix+hello.Digest]; !ok {
		t.Errorf("the image pod b runs now is missing: %v", imgs)
	}
	if err := r.Delete(ctx, b.ID, 0); err != nil {
		t.Fatal(err)
	}
	if imgs := ourImages(t, r); len(imgs) != 0 {
		t.Errorf("images left after the last pod was deleted: %v", imgs)
	}
	if k := committedSnapshots(t, r); k != 0 {
		t.Errorf("%d unpacked layer snapshot(s) left after the last pod was deleted", k)
	}
	leaks, err := r.Leaks(ctx)
	if err != nil || len(leaks) != 0 {
		t.Errorf("leaks: %v %v", leaks, err)
	}
}

// TestImageCollectionRacesCreates: pods of one image are created, started
// and deleted from several goroutines at once, so that deletes collect the
// image while other creates look it up (through the cached handle or
// containerd). Every operation succeeds and nothing is left at the end.
func TestImageCollectionRacesCreates(t *testing.T) {
	r := newTestRuntime(t, testConfig(t, "runc"))
	cleanStale(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pt, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 4, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				s := podSpec(fmt.Sprintf("gc-race-%d-%d", w, i), pt)
				if err := r.Create(ctx, s); err != nil {
					errs <- fmt.Errorf("create %s: %w", s.ID, err)
					return
				}
				if err := r.Start(ctx, s.ID); err != nil {
					errs <- fmt.Errorf("start %s: %w", s.ID, err)
				}
				if err := r.Delete(ctx, s.ID, 0); err != nil {
					errs <- fmt.Errorf("delete %s: %w", s.ID, err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if imgs := ourImages(t, r); len(imgs) != 0 {
		t.Errorf("images left: %v", imgs)
	}
	leaks, err := r.Leaks(ctx)
	if err != nil || len(leaks) != 0 {
		t.Errorf("leaks: %v %v", leaks, err)
	}
}

// withName copies an OCI layout tar, naming its image name in index.json
// (the io.containerd.image.name annotation a publisher's archive may
// carry).
func withName(t *testing.T, archive, name string) string {
	t.Helper()
	in, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	outPath := filepath.Join(t.TempDir(), "named.tar")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tr, tw := tar.NewReader(in), tar.NewWriter(out)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(hdr.Name, "./") == "index.json" {
			var idx map[string]any
			if err := json.Unmarshal(b, &idx); err != nil {
				t.Fatal(err)
			}
			for _, m := range idx["manifests"].([]any) {
				m.(map[string]any)["annotations"] = map[string]string{images.AnnotationImageName: name, "org.opencontainers.image.ref.name": "1"}
			}
			b, _ = json.Marshal(idx)
			hdr.Size = int64(len(b))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return outPath
}

// TestImportKeepsOnlyOurNames: a publisher's archive naming its image after
// an image the operator keeps in the namespace (an Image.Ref) neither moves
// that name to the publisher's content nor adds a name: imports are named
// by digest only, so nothing outside collectImages keeps content alive.
func TestImportKeepsOnlyOurNames(t *testing.T) {
	r := newTestRuntime(t, testConfig(t, "runc"))
	cleanStale(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	hello, err := testimage.GoProgram("../../../examples/hello", "/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := testimage.PodTest()
	if err != nil {
		t.Fatal(err)
	}
	// The operator's image, used by reference.
	const victim = "registry.example/operator/app:1"
	op, err := r.ImportImage(ctx, hello.Archive, hello.Digest)
	if err != nil {
		t.Fatal(err)
	}
	is := r.client.ImageService()
	if _, err := is.Create(r.ctx(ctx), images.Image{Name: victim, Target: op.Target()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { is.Delete(r.ctx(context.Background()), victim, images.SynchronousDelete()) })

	s := podSpec("named", testimage.Image{Archive: withName(t, pt.Archive, victim), Digest: pt.Digest})
	if err := r.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Delete(context.Background(), s.ID, 0) })
	imgs := ourImages(t, r)
	if imgs[victim] != hello.Digest {
		t.Errorf("the operator's image %s now points at %s, not %s: an archive moved it", victim, imgs[victim], hello.Digest)
	}
	for name := range imgs {
		if name != victim && !strings.HasPrefix(name, imagePrefix) {
			t.Errorf("the import created image name %q", name)
		}
	}
	if err := r.Delete(ctx, s.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := ourImages(t, r)[victim]; !ok {
		t.Error("collecting unused images removed the operator's image")
	}
}

// FuzzStripNames: whatever index.json or manifest.json an archive carries,
// stripping names never panics, and what it returns, decoded the way
// containerd's importer decodes it, names no image.
func FuzzStripNames(f *testing.F) {
	f.Add("index.json", []byte(`{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:00","size":1,"annotations":{"io.containerd.image.name":"x:1","org.opencontainers.image.ref.name":"1","other":"kept"}}]}`))
	f.Add("index.json", []byte(`{"Manifests":[{"Annotations":{"io.containerd.image.name":"x:1"}}],"manifests":[]}`))
	f.Add("manifest.json", []byte(`[{"Config":"c.json","RepoTags":["x:1"],"Layers":["l.tar"]}]`))
	f.Add("manifest.json", []byte(`[{"config":"c.json","repotags":["x:1"]}]`))
	f.Fuzz(func(t *testing.T, name string, b []byte) {
		if name != "index.json" {
			name = "manifest.json"
		}
		out, err := stripNames(name, b)
		if err != nil {
			return
		}
		if name == "manifest.json" {
			var ms []struct {
				Config   string
				RepoTags []string
				Layers   []string
			}
			if err := json.Unmarshal(out, &ms); err != nil {
				t.Fatalf("output does not decode: %v", err)
			}
			for _, m := range ms {
				if len(m.RepoTags) > 0 {
					t.Fatalf("RepoTags left: %s", out)
				}
			}
			return
		}
		var idx ocispec.Index
		if err := json.Unmarshal(out, &idx); err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		for _, m := range idx.Manifests {
			if m.Annotations[images.AnnotationImageName] != "" || m.Annotations[ocispec.AnnotationRefName] != "" {
				t.Fatalf("names left: %s", out)
			}
		}
	})
}
