// Package fault lets the fault suite (internal/faults, docs/reliability.md)
// inject faults into a tpod process that only the process itself can
// cause at an exact moment: crash points, where it kills itself with
// SIGKILL, and a skewed wall clock. Both are off unless the process's
// environment names them; a daemon started with either logs a warning
// (Describe). Nothing else of the process changes.
//
//	TPOD_FAULT_CRASH=point[,point...]  Crash(point) kills the process the first time it is reached
//	TPOD_FAULT_CLOCK=FILE              Now() is the real time plus the duration written in FILE ("1h", "-1h30m"), read again every 100 ms
package fault

import (
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Environment variables that turn faults on.
const (
	EnvCrash = "TPOD_FAULT_CRASH"
	EnvClock = "TPOD_FAULT_CLOCK"
)

var crashAt = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(os.Getenv(EnvCrash), ",") {
		if p = strings.TrimSpace(p); p != "" {
			m[p] = true
		}
	}
	return m
}()

// Crash kills the process with SIGKILL if point is one of the crash points
// the environment names: no deferred function, no flush, no signal handler
// runs, as when the machine loses power there.
func Crash(point string) {
	if crashAt[point] {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}

// clock is the skewed clock of TPOD_FAULT_CLOCK.
var clock struct {
	file string
	mu   sync.Mutex
	read time.Time // when the file was last read (real time)
	off  time.Duration
}

func init() { clock.file = os.Getenv(EnvClock) }

// Now is time.Now, shifted by the offset TPOD_FAULT_CLOCK's file holds when
// the environment sets it. The offset moves the whole value (time.Time's
// monotonic reading too), so durations across a jump see it: what every
// time that went through storage sees after a real wall-clock step.
func Now() time.Time {
	now := time.Now()
	if clock.file == "" {
		return now
	}
	clock.mu.Lock()
	defer clock.mu.Unlock()
	if now.Sub(clock.read) >= 100*time.Millisecond || clock.read.IsZero() {
		clock.read = now
		if b, err := os.ReadFile(clock.file); err == nil {
			if d, err := time.ParseDuration(strings.TrimSpace(string(b))); err == nil {
				clock.off = d
			}
		}
	}
	return now.Add(clock.off)
}

// Clock returns Now when the environment skews the clock, else time.Now.
func Clock() func() time.Time {
	if clock.file == "" {
		return time.Now
	}
	return Now
}

// Describe says which faults the environment turns on ("" for none), for
// a daemon's warning at start.
func Describe() string {
	var parts []string
	if v := os.Getenv(EnvCrash); v != "" {
		parts = append(parts, EnvCrash+"="+v)
	}
	if clock.file != "" {
		parts = append(parts, EnvClock+"="+clock.file)
	}
	return strings.Join(parts, " ")
}
