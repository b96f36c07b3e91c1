package provider

import (
	"strings"
	"testing"

	"github.com/trustedpods/tpod/internal/runtime"
)

func TestEndedWhy(t *testing.T) {
	spec := func(policies ...runtime.RestartPolicy) runtime.PodSpec {
		s := runtime.PodSpec{ID: "p"}
		for i, p := range policies {
			s.Containers = append(s.Containers, runtime.Container{Name: string(rune('a' + i)), Restart: p, Resources: runtime.Resources{StorageMiB: 16}})
		}
		return s
	}
	exited := func(name string, code uint32) runtime.ContainerStatus {
		return runtime.ContainerStatus{Name: name, State: runtime.ContainerExited, ExitCode: code}
	}
	running := func(name string) runtime.ContainerStatus {
		return runtime.ContainerStatus{Name: name, State: runtime.ContainerRunning}
	}
	stopped := func(cs ...runtime.ContainerStatus) runtime.PodStatus {
		return runtime.PodStatus{State: runtime.PodStopped, Containers: cs}
	}
	never, onFailure, always := runtime.RestartNever, runtime.RestartOnFailure, runtime.RestartAlways
	withInit := spec(never)
	withInit.InitContainers = []runtime.Container{{Name: "init"}}
	withSidecar := spec(never)
	withSidecar.InitContainers = []runtime.Container{{Name: "side", Sidecar: true}}
	oom := exited("a", 137)
	oom.OOMKilled = true
	for _, tc := range []struct {
		name   string
		spec   runtime.PodSpec
		st     runtime.PodStatus
		want   string // in the reason; "" for not ended
		reason string // the event's
	}{
		{"never, exit 0", spec(never), stopped(exited("a", 0)), "container a exited with code 0 (restart: never)", "Completed"},
		{"never, exit 1", spec(never), stopped(exited("a", 1)), "exited with code 1 (restart: never)", "Error"},
		{"on-failure, exit 0", spec(onFailure), stopped(exited("a", 0)), "exited with code 0 (restart: on-failure)", "Completed"},
		{"on-failure, exit 1: restarted", spec(onFailure), stopped(exited("a", 1)), "", ""},
		{"always: restarted", spec(always), stopped(exited("a", 0)), "", ""},
		{"OOM killed", spec(never), stopped(oom), "OOMKilled", "OOMKilled"},
		{"one of two still restarts", spec(never, always), stopped(exited("a", 0), exited("b", 1)), "", ""},
		{"both ended", spec(never, onFailure), stopped(exited("a", 2), exited("b", 0)), "container a exited with code 2 (restart: never); container b exited with code 0", "Error"},
		{"partial: one runs", spec(never, never), runtime.PodStatus{State: runtime.PodPartial, Containers: []runtime.ContainerStatus{exited("a", 0), running("b")}}, "", ""},
		{"created (a machine restart)", spec(never), runtime.PodStatus{State: runtime.PodCreated, Containers: []runtime.ContainerStatus{{Name: "a", State: runtime.ContainerCreated}}}, "", ""},
		{"running", spec(never), runtime.PodStatus{State: runtime.PodRunning, Containers: []runtime.ContainerStatus{running("a")}}, "", ""},
		{"init container done, container ended", withInit, stopped(runtime.ContainerStatus{Name: "init", Init: true, State: runtime.ContainerExited}, exited("a", 0)), "container a exited with code 0", "Completed"},
		{"a sidecar restarts", withSidecar, stopped(runtime.ContainerStatus{Name: "side", Init: true, State: runtime.ContainerExited}, exited("a", 0)), "", ""},
		{"unknown container (mid-update)", spec(never), stopped(exited("z", 0)), "", ""},
		{"storage limit, whatever the policy", spec(always), runtime.PodStatus{State: runtime.PodStopped, Reason: runtime.ReasonStorageLimit, Containers: []runtime.ContainerStatus{exited("a", 137)}}, "storage reservation of 16 MiB", runtime.ReasonStorageLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why, ev := endedWhy(tc.spec, tc.st)
			if tc.want == "" {
				if why != "" {
					t.Fatalf("ended: %q; want not ended", why)
				}
				return
			}
			if !strings.Contains(why, tc.want) {
				t.Fatalf("reason %q, want it to hold %q", why, tc.want)
			}
			if ev.Kind != EventEnded || ev.Reason != tc.reason || ev.Message != why {
				t.Fatalf("event %+v, want kind %s, reason %s, message %q", ev, EventEnded, tc.reason, why)
			}
		})
	}
}

func TestRestartDue(t *testing.T) {
	spec := runtime.PodSpec{Containers: []runtime.Container{{Name: "job"}, {Name: "web", Restart: runtime.RestartOnFailure}}}
	st := func(jobCode, webCode uint32, webExited bool) runtime.PodStatus {
		web := runtime.ContainerStatus{Name: "web", State: runtime.ContainerRunning}
		if webExited {
			web = runtime.ContainerStatus{Name: "web", State: runtime.ContainerExited, ExitCode: webCode}
		}
		return runtime.PodStatus{State: runtime.PodPartial, Containers: []runtime.ContainerStatus{
			{Name: "job", State: runtime.ContainerExited, ExitCode: jobCode}, web}}
	}
	if restartDue(spec, st(1, 0, false)) {
		t.Error("a one-shot container (restart: never) that exited is due for a restart")
	}
	if restartDue(spec, st(0, 0, true)) {
		t.Error("an on-failure container that exited 0 is due for a restart")
	}
	if !restartDue(spec, st(0, 3, true)) {
		t.Error("an on-failure container that exited 3 is not due for a restart")
	}
}
