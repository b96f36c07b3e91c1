package core

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSteadyClock: a core restarted after the wall clock stepped by ±1 h
// reads the time it would have read without the step; an anchor of another
// boot is replaced.
func TestSteadyClock(t *testing.T) {
	if _, err := os.Stat(bootIDFile); err != nil {
		t.Skip("no boot ID here:", err)
	}
	dir := t.TempDir()
	wall := time.Now()
	clk, err := steadyClock(dir, func() time.Time { return wall })
	if err != nil {
		t.Fatal(err)
	}
	if d := clk().Sub(time.Now()).Abs(); d > time.Second {
		t.Fatalf("the clock is %v off the wall clock at its anchor", d)
	}
	for _, step := range []time.Duration{time.Hour, -time.Hour} {
		stepped := time.Now().Add(step)
		again, err := steadyClock(dir, func() time.Time { return stepped })
		if err != nil {
			t.Fatal(err)
		}
		if d := again().Sub(clk()).Abs(); d > 100*time.Millisecond {
			t.Errorf("after a step of %v, a restarted core's clock is %v off the running one's", step, d)
		}
	}
	// An anchor of another boot is not taken.
	b, _ := json.Marshal(clockAnchor{BootID: "another-boot", Wall: wall.Add(-48 * time.Hour), Boot: 1})
	if err := os.WriteFile(filepath.Join(dir, "clock"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(3 * time.Hour)
	fresh, err := steadyClock(dir, func() time.Time { return later })
	if err != nil {
		t.Fatal(err)
	}
	if d := fresh().Sub(later).Abs(); d > time.Second {
		t.Errorf("with another boot's anchor the clock is %v off the wall clock", d)
	}
}
