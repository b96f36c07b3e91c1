// Package runtime is the contract between the provider and the systems that run
// pods: a runtime-level pod spec, the operations every backend offers (create,
// update, start, stop, delete, status, logs, usage, list) and the sentinel
// errors they return. Backends live in subpackages (containerd, kube) and
// all pass the conformance suite in runtimetest.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Sentinel error categories, checked with errors.Is.
var (
	// ErrNotFound: the pod (or container) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: Create of a pod ID that already exists.
	ErrExists = errors.New("already exists")
	// ErrInvalid: the spec or the request is malformed.
	ErrInvalid = errors.New("invalid")
	// ErrUnavailable: the host cannot provide what is asked (a GPU on a host
	// without one, more GPUs than are free, a runtime that is not configured).
	ErrUnavailable = errors.New("unavailable")
	// ErrFailedPrecondition: the pod is not in a state that allows the operation.
	ErrFailedPrecondition = errors.New("failed precondition")
)

// Runtime runs pods. Every method is safe for concurrent use; operations on
// one pod are serialised by the backend. Pod IDs are chosen by the caller.
type Runtime interface {
	// Create creates the pod (network, volumes, containers) without starting
	// it. It returns ErrExists if the ID is taken.
	Create(ctx context.Context, spec PodSpec) error
	// Update replaces the pod's containers with those of spec, keeping its
	// network namespace, address and persistent volumes. A running pod is
	// stopped (with grace) and started again with the new spec.
	Update(ctx context.Context, spec PodSpec, grace time.Duration) error
	// Start starts every container of a created or stopped pod. Starting a
	// running pod is a no-op. A pod with init containers runs them first, in
	// order (PodSpec.InitContainers): Start returns once the containers have
	// started, or with an error naming the init container that failed (the
	// runtime keeps retrying it if its restart policy says so).
	Start(ctx context.Context, id string) error
	// Stop sends SIGTERM to every container, waits up to grace, then sends
	// SIGKILL. The pod keeps its data (writable layers, volumes) and address.
	// Stopping a stopped pod is a no-op.
	Stop(ctx context.Context, id string, grace time.Duration) error
	// Delete stops the pod (with grace) and removes everything it holds:
	// containers, snapshots, network namespace and address, volumes, secrets,
	// logs, cgroups. Deleting a missing pod returns ErrNotFound.
	Delete(ctx context.Context, id string, grace time.Duration) error
	// Status reports the pod's state.
	Status(ctx context.Context, id string) (PodStatus, error)
	// Logs copies a container's combined stdout and stderr to w. With Follow
	// it keeps copying until ctx is done or the container's process exits.
	Logs(ctx context.Context, id, container string, opts LogOptions, w io.Writer) error
	// Usage returns the pod's raw usage counters (see Usage).
	Usage(ctx context.Context, id string) (Usage, error)
	// List returns every pod this runtime manages, including those created by
	// an earlier process (recovery after a provider restart).
	List(ctx context.Context) ([]PodInfo, error)
}

// PodState is the state of a pod as a whole.
type PodState string

const (
	// PodCreated: created, never started.
	PodCreated PodState = "created"
	// PodRunning: every container's process is running.
	PodRunning PodState = "running"
	// PodPartial: some containers run, others have exited.
	PodPartial PodState = "partial"
	// PodStopped: no container runs (stopped, exited or killed).
	PodStopped PodState = "stopped"
	// PodStarting: the init containers are running (or being retried); the
	// containers have not started yet.
	PodStarting PodState = "starting"
	// PodFrozen: the pod idles frozen (IdleFreeze): its processes exist,
	// hold their memory and get no CPU. Start thaws it.
	PodFrozen PodState = "frozen"
)

// ContainerState is the state of one container.
type ContainerState string

const (
	ContainerCreated ContainerState = "created"
	ContainerRunning ContainerState = "running"
	ContainerExited  ContainerState = "exited"
	ContainerFrozen  ContainerState = "frozen" // its process is frozen (PodFrozen)
)

// PodStatus is what Status reports.
type PodStatus struct {
	ID    string
	State PodState
	// IP is the pod's address on the runtime's pod network ("" if none).
	IP         string
	Containers []ContainerStatus
	// Reason explains a stop the runtime made itself, e.g. ReasonStorageLimit.
	Reason string
	// Ready: the pod runs and every container with a readiness probe passes
	// it (without probes, Ready equals State == PodRunning).
	Ready bool
}

// Reasons a runtime stops a pod by itself.
const (
	ReasonStorageLimit = "StorageLimitExceeded"
)

// ContainerStatus is the state of one container of a pod.
type ContainerStatus struct {
	Name string
	// Init marks an init container (a sidecar or one that runs to completion).
	Init  bool
	State ContainerState
	// Ready: running, and passing its readiness probe if it has one.
	Ready bool
	// Restarts counts restarts by the runtime (policy, liveness) in this run.
	Restarts   int
	ExitCode   uint32
	OOMKilled  bool
	StartedAt  time.Time
	FinishedAt time.Time
}

// LogOptions select what Logs copies.
type LogOptions struct {
	// Follow keeps copying new output until the process exits or ctx is done.
	Follow bool
	// Timestamps starts each line with the time it was written, in RFC 3339
	// with nanoseconds, and a space (Kubernetes's form); "- " when the
	// backend does not know it (docs/runtime.md § Logs).
	Timestamps bool
}

// NoTimestamp starts a line whose time is unknown, with Timestamps.
const NoTimestamp = "-"

// Usage holds a pod's raw counters at one instant. CPU and memory counters
// belong to the current run of the pod: they restart from zero when the pod
// is started again, and Since says when that run began, so a consumer can
// tell a restart from a decrease. Egress counts since the pod's network was
// created (it survives stop/start).
type Usage struct {
	// Time the sample was taken.
	Time time.Time
	// Running reports whether any container runs.
	Running bool
	// Frozen reports a pod idling frozen (PodFrozen): no container runs,
	// but its processes keep their memory (and devices); the working set
	// is reported. Running is false.
	Frozen bool
	// Since is when the current run's counters started (zero if never run).
	Since time.Time
	// CPUNanos is the CPU time used by all containers of this run.
	CPUNanos uint64
	// MemoryWorkingSetBytes is the memory in use now (usage minus inactive
	// file cache), summed over containers.
	MemoryWorkingSetBytes uint64
	// WritableBytes is the disk used by the containers' writable layers.
	WritableBytes uint64
	// VolumeBytes is the disk used by the pod's emptyDir and persistent volumes.
	VolumeBytes uint64
	// EgressBytes is the bytes sent by the pod's network interface.
	EgressBytes uint64
	// Reserved is the sum of the containers' resource requests.
	Reserved Resources
}

// PodInfo describes one pod List found.
type PodInfo struct {
	Spec  PodSpec // secret data is not included
	State PodState
}

// UsageLister is implemented by runtimes that report every pod's usage in
// one call, which the meter prefers to List + Usage per pod. Its result has
// one entry per existing pod, with the same meaning (and the same storage
// limit enforcement) as Usage.
type UsageLister interface {
	UsageAll(ctx context.Context) (map[string]Usage, error)
}

// Feature is an optional part of PodSpec that a backend may not implement
// yet (docs/runtime.md § Optional features).
type Feature string

const (
	// FeatureInitContainers: PodSpec.InitContainers, sidecars included.
	FeatureInitContainers Feature = "init-containers"
	// FeatureProbes: Liveness, Readiness and Startup probes, Restart
	// policies, ContainerStatus.Ready/Restarts and PodStatus.Ready.
	FeatureProbes Feature = "probes"
	// FeatureHostnames: PodSpec.Hostnames resolve to the pod inside it.
	FeatureHostnames Feature = "hostnames"
	// FeatureSecurity: Container.User, ShmSizeMiB, ReadOnlyRootFS, CapDrop.
	FeatureSecurity Feature = "security"
	// FeatureFreeze: PodSpec.Idle IdleFreeze, through Idler.
	FeatureFreeze Feature = "freeze"
)

// Idler is implemented by a backend that rests a pod scaled to zero as its
// PodSpec.Idle says. The provider calls Idle instead of Stop when a pod
// scaled to zero has been idle (a backend without Idler is stopped).
type Idler interface {
	// Idle stops the pod as Stop does (IdleStop), or freezes it
	// (IdleFreeze: PodFrozen). Start wakes it from either; Stop and Delete
	// of a frozen pod thaw it first, so that its processes see SIGTERM.
	// Idling an idle pod is a no-op.
	Idle(ctx context.Context, id string, grace time.Duration) error
}

// ParkingMarker is the file a backend that creates a stopped pod's next
// tasks ahead of a wake keeps in the pod's data directory from before it
// creates them until the wake starts them: the signing core does not take
// tasks it sees meanwhile for a run (they are created before they are
// frozen, and would otherwise be billed as held).
const ParkingMarker = ".parking"

// FeatureReporter is implemented by a backend to say which Features it
// implements. A backend without it implements none of them, and must refuse
// (ErrUnavailable) a spec that uses one rather than drop it silently.
type FeatureReporter interface {
	Supports(Feature) bool
}

// Supports reports whether rt implements f.
func Supports(rt Runtime, f Feature) bool {
	fr, ok := rt.(FeatureReporter)
	return ok && fr.Supports(f)
}

// Uses returns the optional features the spec needs.
func (s PodSpec) Uses() []Feature {
	var out []Feature
	if len(s.InitContainers) > 0 {
		out = append(out, FeatureInitContainers)
	}
	probes, security := false, false
	for _, c := range s.AllContainers() {
		// RestartAlways is not counted: a backend without supervision of its
		// own (Kubernetes Deployments) restarts containers anyway.
		probes = probes || c.Restart == RestartOnFailure || c.Liveness != nil || c.Readiness != nil || c.Startup != nil
		security = security || c.User != "" || c.ShmSizeMiB > 0 || c.ReadOnlyRootFS || len(c.CapDrop) > 0
	}
	if probes {
		out = append(out, FeatureProbes)
	}
	if len(s.Hostnames) > 0 {
		out = append(out, FeatureHostnames)
	}
	if security {
		out = append(out, FeatureSecurity)
	}
	if s.Idle == IdleFreeze {
		out = append(out, FeatureFreeze)
	}
	return out
}

// CheckSupported returns ErrUnavailable naming the first optional feature
// the spec uses that rt does not implement, so that nothing the publisher
// asked for is dropped silently.
func CheckSupported(rt Runtime, spec PodSpec) error {
	for _, f := range spec.Uses() {
		if !Supports(rt, f) {
			return fmt.Errorf("pod %s uses %s, which this runtime does not implement yet: %w", spec.ID, f, ErrUnavailable)
		}
	}
	return nil
}
