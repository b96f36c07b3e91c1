package fault

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestCrash runs this test binary again with a crash point set: the child
// dies of SIGKILL at that point and not at another one.
func TestCrash(t *testing.T) {
	if os.Getenv("FAULT_TEST_CHILD") == "1" {
		Crash("other/point")
		os.Stdout.WriteString("passed other/point\n")
		Crash("test/point")
		os.Stdout.WriteString("survived test/point\n")
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
	cmd.Env = append(os.Environ(), "FAULT_TEST_CHILD=1", EnvCrash+"=a/b, test/point")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v, output %q; want death by SIGKILL", err, out)
	}
	if string(out) != "passed other/point\n" {
		t.Errorf("child output %q", out)
	}
}

func TestClock(t *testing.T) {
	if Clock()().Sub(time.Now()).Abs() > time.Second {
		t.Fatal("the clock is skewed without TPOD_FAULT_CLOCK")
	}
	f := filepath.Join(t.TempDir(), "offset")
	clock.file = f
	defer func() { clock.file, clock.off, clock.read = "", 0, time.Time{} }()
	os.WriteFile(f, []byte("1h\n"), 0o644)
	if d := Now().Sub(time.Now()); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("offset %v, want 1h", d)
	}
	os.WriteFile(f, []byte("-30m"), 0o644)
	time.Sleep(110 * time.Millisecond)
	if d := Clock()().Sub(time.Now()); d < -31*time.Minute || d > -29*time.Minute {
		t.Fatalf("offset %v, want -30m", d)
	}
	os.WriteFile(f, []byte("garbage"), 0o644)
	time.Sleep(110 * time.Millisecond)
	if d := Now().Sub(time.Now()); d > -29*time.Minute {
		t.Fatalf("an unreadable offset changed the clock: %v", d)
	}
}
