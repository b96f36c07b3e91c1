package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The core meters by elapsed time, so its clock must not jump when the
// machine's wall clock is stepped (an operator, NTP, a host that lies): a
// step back would stop reserved time from counting until the clock caught
// up again, a step forward would charge a round up to MaxGap. Its clock is
// therefore the wall clock read once per boot, advanced by CLOCK_BOOTTIME
// (which no step moves and which runs on across restarts of the core); the
// anchor is kept in <dir>/clock with the boot's ID, so a core restarted in
// the same boot reads the same time as before (docs/core.md § Clock).

// clockAnchor is the content of <dir>/clock.
type clockAnchor struct {
	BootID string    `json:"bootId"`
	Wall   time.Time `json:"wall"`
	Boot   int64     `json:"boottimeNs"`
}

const bootIDFile = "/proc/sys/kernel/random/boot_id"

// steadyClock returns the core's clock: wall at the anchor of this boot
// (taken now from wall on the first start in a boot), advanced by
// CLOCK_BOOTTIME since. Where the boot time or ID cannot be read, it is
// wall itself.
func steadyClock(dir string, wall func() time.Time) (func() time.Time, error) {
	id, err := os.ReadFile(bootIDFile)
	if err != nil {
		return wall, err
	}
	boot := func() (int64, error) {
		var ts unix.Timespec
		if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
			return 0, err
		}
		return ts.Nano(), nil
	}
	now, err := boot()
	if err != nil {
		return wall, err
	}
	path := filepath.Join(dir, "clock")
	var a clockAnchor
	if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &a) != nil || a.BootID != strings.TrimSpace(string(id)) || a.Boot > now {
		a = clockAnchor{BootID: strings.TrimSpace(string(id)), Wall: wall().Round(0), Boot: now}
		b, _ := json.Marshal(a)
		if err := writeFileAtomic(path, b); err != nil {
			return wall, err
		}
	}
	return func() time.Time {
		n, err := boot()
		if err != nil {
			return wall()
		}
		return a.Wall.Add(time.Duration(n - a.Boot))
	}, nil
}

// writeFileAtomic replaces path with b (0600, synced): a crash leaves the
// old file or the new one, never part of one.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}
