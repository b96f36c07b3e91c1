package runtime

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func validSpec() PodSpec {
	return PodSpec{
		ID: "web-1",
		Containers: []Container{{
			Name: "app", Image: Image{Archive: "/tmp/x.tar", Digest: "sha256:" + strings.Repeat("a", 64)},
			Env:    map[string]string{"A": "1"},
			Ports:  []Port{{ContainerPort: 8080}},
			Mounts: []Mount{{Volume: "data", Path: "/data"}, {Volume: "s", Path: "/run/s"}},
		}},
		Volumes: []Volume{{Name: "data", Kind: Persistent}, {Name: "s", Kind: Secret, Files: map[string][]byte{"token": []byte("x")}}},
	}
}

func TestValidate(t *testing.T) {
	if err := validSpec().Validate(); err != nil {
		t.Fatalf("valid spec: %v", err)
	}
	cases := map[string]func(*PodSpec){
		"bad id":            func(s *PodSpec) { s.ID = "Web" },
		"long id":           func(s *PodSpec) { s.ID = strings.Repeat("a", 49) },
		"no containers":     func(s *PodSpec) { s.Containers = nil },
		"dup container":     func(s *PodSpec) { s.Containers = append(s.Containers, s.Containers[0]) },
		"no image":          func(s *PodSpec) { s.Containers[0].Image = Image{} },
		"two images":        func(s *PodSpec) { s.Containers[0].Image.Ref = "x" },
		"bad digest":        func(s *PodSpec) { s.Containers[0].Image.Digest = "md5:1" },
		"bad env":           func(s *PodSpec) { s.Containers[0].Env = map[string]string{"A=B": "1"} },
		"port 0":            func(s *PodSpec) { s.Containers[0].Ports = []Port{{}} },
		"bad protocol":      func(s *PodSpec) { s.Containers[0].Ports = []Port{{ContainerPort: 1, Protocol: "sctp"}} },
		"unknown volume":    func(s *PodSpec) { s.Containers[0].Mounts[0].Volume = "nope" },
		"relative path":     func(s *PodSpec) { s.Containers[0].Mounts[0].Path = "data" },
		"unclean path":      func(s *PodSpec) { s.Containers[0].Mounts[0].Path = "/a/../etc" },
		"root mount":        func(s *PodSpec) { s.Containers[0].Mounts[0].Path = "/" },
		"dup mount path":    func(s *PodSpec) { s.Containers[0].Mounts[1].Path = "/data" },
		"dup volume":        func(s *PodSpec) { s.Volumes[1].Name = "data" },
		"unknown kind":      func(s *PodSpec) { s.Volumes[0].Kind = "hostPath" },
		"files on emptyDir": func(s *PodSpec) { s.Volumes[0].Files = map[string][]byte{"a": nil} },
		"secret traversal":  func(s *PodSpec) { s.Volumes[1].Files = map[string][]byte{"../x": nil} },
		"secret dotdot":     func(s *PodSpec) { s.Volumes[1].Files = map[string][]byte{"..": nil} },
		"secret too big":    func(s *PodSpec) { s.Volumes[1].Files = map[string][]byte{"a": make([]byte, MaxSecretBytes+1)} },
		"idle mode":         func(s *PodSpec) { s.Idle = "hibernate" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			s := validSpec()
			mutate(&s)
			if err := s.Validate(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestWithoutSecretsAndResources(t *testing.T) {
	s := validSpec()
	s.Containers = append(s.Containers, Container{Name: "b", Image: Image{Ref: "r"}, Resources: Resources{CPUMillis: 250, GPUs: 1}})
	s.Containers[0].Resources = Resources{CPUMillis: 500, MemoryMiB: 64, StorageMiB: 10, Pids: 5}
	if got, want := s.Resources(), (Resources{CPUMillis: 750, MemoryMiB: 64, StorageMiB: 10, Pids: 5, GPUs: 1}); got != want {
		t.Fatalf("Resources = %+v, want %+v", got, want)
	}
	clean := s.WithoutSecrets()
	if b, ok := clean.Volumes[1].Files["token"]; !ok || b != nil {
		t.Fatalf("secret bytes kept: %q %v", b, ok)
	}
	if string(s.Volumes[1].Files["token"]) != "x" {
		t.Fatal("WithoutSecrets changed the original")
	}
}

// FuzzValidate: a pod spec decoded from untrusted JSON (the provider builds
// specs from publishers' manifests) never panics Validate, and a valid one
// stays valid without its secret bytes.
func FuzzValidate(f *testing.F) {
	b, _ := json.Marshal(validSpec())
	f.Add(b)
	f.Add([]byte(`{"ID":"a","Containers":[{"Name":"x","Image":{"Ref":"r"}}]}`))
	f.Add([]byte(`{"ID":"a","Volumes":[{"Name":"v","Kind":"secret","Files":{"..":"eA=="}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s PodSpec
		if json.Unmarshal(data, &s) != nil {
			return
		}
		if s.Validate() != nil {
			return
		}
		if err := s.WithoutSecrets().Validate(); err != nil {
			t.Fatalf("valid spec invalid without secrets: %v", err)
		}
	})
}

// features is a backend reporting some optional features (as kube does).
type features struct {
	Runtime
	have map[Feature]bool
}

func (f features) Supports(x Feature) bool { return f.have[x] }

// A backend that cannot freeze refuses a spec that asks for it, by name.
func TestFreezeNeedsTheFeature(t *testing.T) {
	s := validSpec()
	s.Idle = IdleFreeze
	err := CheckSupported(features{have: map[Feature]bool{FeatureProbes: true}}, s)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), string(FeatureFreeze)) {
		t.Fatalf("freeze on a backend without it: %v", err)
	}
	if err := CheckSupported(features{have: map[Feature]bool{FeatureFreeze: true}}, s); err != nil {
		t.Fatal(err)
	}
	s.Idle = IdleStop
	if err := CheckSupported(features{}, s); err != nil {
		t.Fatal(err)
	}
}
