package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/trustedpods/tpod/internal/runtime"
	"github.com/trustedpods/tpod/internal/usage"
)

func load(t *testing.T, name string) (*Pod, Format) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, f, err := LoadFormat(data, name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return p, f
}

// The tpod and Kubernetes fixtures describe the same pod: same canonical form.
func TestTpodAndKubernetesAgree(t *testing.T) {
	a, fa := load(t, "pod.yaml")
	b, fb := load(t, "k8s-pod.yaml")
	if fa != FormatTpod || fb != FormatKubernetes {
		t.Fatalf("formats %s %s", fa, fb)
	}
	if d := cmp.Diff(string(a.Canonical()), string(b.Canonical())); d != "" {
		t.Fatalf("pods differ (-tpod +k8s):\n%s", d)
	}
	if a.Hash() != b.Hash() {
		t.Fatal("hashes differ")
	}
	want := &Pod{
		APIVersion: APIVersion, Kind: Kind, Name: "hello",
		Containers: []Container{{
			Name: "web", Image: "hello:latest", Command: []string{"/server"}, Args: []string{"-listen", ":8080"},
			Env:          []EnvVar{{Name: "GREETING", Value: "hi"}},
			Ports:        []Port{{ContainerPort: 8080, Protocol: "TCP", Expose: ExposeHTTP, Hostnames: []string{"hello.example.com"}}},
			Resources:    Resources{CPUMilli: 500, MemoryMiB: 256, StorageMiB: 1024},
			VolumeMounts: []VolumeMount{{Name: "data", MountPath: "/data"}, {Name: "creds", MountPath: "/run/secrets", ReadOnly: true}},
			Restart:      RestartAlways,
		}},
		Hostnames: []string{"web"},
		Volumes: []Volume{
			{Name: "data", Persistent: &PersistentVolume{SizeMiB: 2048}},
			{Name: "creds", Secret: &SecretVolume{Secrets: []string{"db-password"}}},
		},
		Scale: Scale{Min: 0, Max: 1, IdleTimeout: Duration(10 * time.Minute)},
	}
	if d := cmp.Diff(want, a, cmpopts.IgnoreFields(Pod{}, "Warnings")); d != "" {
		t.Fatalf("(-want +got):\n%s", d)
	}
	tot := a.Totals()
	if tot != (Totals{CPUMilli: 500, MemoryMiB: 256, StorageMiB: 3072, PersistentMiB: 2048}) {
		t.Fatalf("totals %+v", tot)
	}
	r := tot.ReservedRate()
	if r[usage.CPUReserved] != 500 || r[usage.MemoryReserved] != 256 || r[usage.StorageReserved] != 3072 || r[usage.CPUUsed] != 0 {
		t.Fatalf("rate %v", r)
	}
	if got := a.Secrets(); !cmp.Equal(got, []string{"db-password"}) {
		t.Fatalf("secrets %v", got)
	}
}

func TestDeployment(t *testing.T) {
	p, f := load(t, "k8s-deployment.yaml")
	if f != FormatKubernetes {
		t.Fatal(f)
	}
	if p.Name != "api" || p.Scale.Max != 3 || p.Scale.Min != 1 {
		t.Fatalf("%+v", p.Scale)
	}
	api := p.Containers[0]
	if api.Resources != (Resources{CPUMilli: 1000, MemoryMiB: 1024, GPUMilli: 1000}) {
		t.Fatalf("api resources %+v", api.Resources)
	}
	if api.Ports[0].Expose != ExposeHTTP || api.Ports[1].Expose != ExposeTCP {
		t.Fatalf("ports %+v", api.Ports)
	}
	cache := p.Containers[1]
	if cache.Resources.CPUMilli != DefaultCPUMilli || cache.Resources.MemoryMiB != DefaultMemoryMiB {
		t.Fatalf("defaults not applied: %+v", cache.Resources)
	}
	if p.Volumes[0].EmptyDir.SizeMiB != 512 {
		t.Fatal(p.Volumes[0])
	}
	if got := p.Images(); len(got) != 2 {
		t.Fatal(got)
	}
}

func TestCompose(t *testing.T) {
	p, f := load(t, "compose.yaml")
	if f != FormatCompose || p.Name != "shop" {
		t.Fatal(f, p.Name)
	}
	// services are sorted by name: db, web
	db, web := p.Containers[0], p.Containers[1]
	if db.Name != "db" || web.Name != "web" {
		t.Fatal(db.Name, web.Name)
	}
	if !cmp.Equal(web.Command, []string{"/server"}) || !cmp.Equal(web.Args, []string{"-listen", ":8080"}) {
		t.Fatal(web.Command, web.Args)
	}
	if !cmp.Equal(web.Env, []EnvVar{{Name: "DB_HOST", Value: "localhost"}, {Name: "WORKERS", Value: "4"}}) {
		t.Fatal(web.Env)
	}
	if web.Resources.CPUMilli != 500 || web.Resources.MemoryMiB != 256 {
		t.Fatal(web.Resources)
	}
	if web.Ports[0].ContainerPort != 8080 || web.Ports[0].Expose != ExposeHTTP || web.Ports[0].Hostnames[0] != "shop.example.com" {
		t.Fatal(web.Ports)
	}
	if db.Ports[0].ContainerPort != 5432 || db.Ports[0].Expose != ExposeNone {
		t.Fatal(db.Ports)
	}
	if db.Resources.CPUMilli != 1000 || db.Resources.MemoryMiB != 1024 {
		t.Fatal(db.Resources)
	}
	want := []Volume{
		{Name: "pgdata", Persistent: &PersistentVolume{SizeMiB: 10240}},
		{Name: "db-secrets", Secret: &SecretVolume{Secrets: []string{"db-password"}}},
	}
	if d := cmp.Diff(want, p.Volumes); d != "" {
		t.Fatal(d)
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	for _, name := range []string{"pod.yaml", "k8s-pod.yaml", "k8s-deployment.yaml", "compose.yaml"} {
		p, _ := load(t, name)
		q, err := ParseCanonical(p.Canonical())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if q.Hash() != p.Hash() {
			t.Fatalf("%s: hash changed through canonical form", name)
		}
		// Canonical is also a valid input to Load (JSON is YAML; it has apiVersion tpod.dev/v1)?
		// No: the canonical form is the model, not the file format. It is parsed by ParseCanonical.
	}
}

func TestValidationErrors(t *testing.T) {
	base, err := os.ReadFile("testdata/pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, path string
	}{
		{"bad name", "name: hello", "name: Hello_World", "metadata.name"},
		{"no image", "image: hello:latest", "image: ''", "spec.containers[0].image"},
		{"port range", "containerPort: 8080", "containerPort: 70000", "spec.containers[0].ports[0].containerPort"},
		{"expose kind", "expose: http", "expose: udp", "spec.containers[0].ports[0].expose"},
		{"hostname", "hello.example.com", "bad_host!", "spec.containers[0].ports[0].hostnames[0]"},
		{"cpu quantity", "cpu: 500m", "cpu: lots", "spec.containers[0].resources.cpu"},
		{"mount unknown volume", "- name: data\n      mountPath", "- name: nope\n      mountPath", "spec.containers[0].volumeMounts[0].name"},
		{"relative mount", "mountPath: /data", "mountPath: data", "spec.containers[0].volumeMounts[0].mountPath"},
		{"persistent size", "size: 2Gi", "size: 0", "spec.volumes[0].persistent.size"},
		{"scale min", "min: 0", "min: 2", "spec.scale.min"},
		{"scale max", "max: 1", "max: 1000", "spec.scale.max"},
		{"env name", "name: GREETING", "name: 1BAD", "spec.containers[0].env[0].name"},
		{"secret name", "secrets: [db-password]", "secrets: ['../x']", "spec.volumes[1].secret.secrets[0]"},
		{"idle timeout", "idleTimeout: 10m", "idleTimeout: soon", "spec.scale.idleTimeout"},
		{"idle mode", "idleTimeout: 10m", "idleTimeout: 10m\n    idle: sleep", "spec.scale.idle"},
		{"freeze without scale to zero", "min: 0", "min: 1\n    idle: freeze", "spec.scale.idle"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(string(base), tc.old, tc.new, 1)
			if data == string(base) {
				t.Fatalf("fixture has no %q", tc.old)
			}
			_, err := Load([]byte(data), "pod.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("not ErrInvalid: %v", err)
			}
			if !strings.Contains(err.Error(), tc.path+":") {
				t.Fatalf("error does not name %s: %v", tc.path, err)
			}
		})
	}
}

// scale.idle in each format: the native field, Kubernetes' annotation and
// Compose's x-tpod; "stop" is the default and leaves the canonical form
// (and hash) unchanged; freeze reaches the runtime spec.
func TestScaleIdle(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	edit := func(name, old, new string) string {
		s := read(name)
		out := strings.Replace(s, old, new, 1)
		if out == s {
			t.Fatalf("%s has no %q", name, old)
		}
		return out
	}
	plain, _ := load(t, "pod.yaml")
	cases := []struct {
		name, file, data, want string
	}{
		{"tpod freeze", "pod.yaml", edit("pod.yaml", "idleTimeout: 10m", "idleTimeout: 10m\n    idle: freeze"), IdleFreeze},
		{"tpod stop", "pod.yaml", edit("pod.yaml", "idleTimeout: 10m", "idleTimeout: 10m\n    idle: stop"), ""},
		{"kubernetes freeze", "k8s-pod.yaml", edit("k8s-pod.yaml", "tpod.dev/idle-timeout: 10m", "tpod.dev/idle-timeout: 10m\n    tpod.dev/scale-idle: freeze"), IdleFreeze},
		{"compose freeze", "compose.yaml", edit("compose.yaml", "x-tpod:\n  scale:\n    min: 1", "x-tpod:\n  scale:\n    min: 0\n    idle: freeze"), IdleFreeze},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Load([]byte(tc.data), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if p.Scale.Idle != tc.want {
				t.Fatalf("scale.idle %q, want %q", p.Scale.Idle, tc.want)
			}
			q, err := ParseCanonical(p.Canonical())
			if err != nil || q.Scale.Idle != tc.want {
				t.Fatalf("through the canonical form: %q %v", q.Scale.Idle, err)
			}
			if tc.want == "" && tc.file == "pod.yaml" && p.Hash() != plain.Hash() {
				t.Fatal("idle: stop changed the manifest's hash")
			}
			spec, err := p.RuntimeSpec("idle-test", fakeImages(p), map[string][]byte{"db-password": []byte("x")})
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]runtime.IdleMode{IdleFreeze: runtime.IdleFreeze}[tc.want]; spec.Idle != want {
				t.Fatalf("runtime spec idle %q, want %q", spec.Idle, want)
			}
		})
	}
	for name, data := range map[string]string{
		"k8s-pod.yaml": edit("k8s-pod.yaml", "tpod.dev/idle-timeout: 10m", "tpod.dev/idle-timeout: 10m\n    tpod.dev/scale-idle: nap"),
		"compose.yaml": edit("compose.yaml", "    max: 1", "    max: 1\n    idle: freeze"), // freeze with min 1
	} {
		if _, err := Load([]byte(data), name); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "spec.scale.idle") {
			t.Errorf("%s with a bad scale.idle: %v", name, err)
		}
	}
}

func TestRejects(t *testing.T) {
	tests := map[string]string{
		"unknown field":              "apiVersion: tpod.dev/v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: b, privileged: true}]\n",
		"wrong kind":                 "apiVersion: tpod.dev/v1\nkind: Service\n",
		"unknown api":                "apiVersion: batch/v1\nkind: Job\n",
		"no format":                  "foo: bar\n",
		"k8s hostPath":               "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: b}]\n  volumes: [{name: h, hostPath: {path: /}}]\n",
		"k8s fieldRef":               "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: b, env: [{name: X, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}]}]\n",
		"compose bind":               "services:\n  a:\n    image: b\n    volumes: ['./src:/src']\n",
		"scale to zero without http": "apiVersion: tpod.dev/v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: b}]\n  scale: {min: 0}\n",
		"duplicate key":              "apiVersion: tpod.dev/v1\nkind: Pod\nkind: Pod\n",
	}
	for name, doc := range tests {
		if _, err := Load([]byte(doc), "x.yaml"); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: not ErrInvalid: %v", name, err)
		}
	}
}

func FuzzParseCanonical(f *testing.F) {
	data, _ := os.ReadFile("testdata/pod.yaml")
	p, err := Load(data, "pod.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(p.Canonical())
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseCanonical(data)
		if err != nil {
			return
		}
		if _, err := ParseCanonical(p.Canonical()); err != nil {
			t.Fatal(err)
		}
	})
}

// fakeImages maps each image of p to a runtime image of a made-up path:
// enough for RuntimeSpec.
func fakeImages(p *Pod) map[string]runtime.Image {
	out := map[string]runtime.Image{}
	for _, ref := range p.Images() {
		out[ref] = runtime.Image{Archive: "/nonexistent/" + ref}
	}
	return out
}
