package cli

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trustedpods/tpod/internal/attest"
	"github.com/trustedpods/tpod/internal/measure/measuretest"
	"github.com/trustedpods/tpod/internal/release"
)

// releaseMu serializes the commands that install a release policy in this
// process (releasePolicy is process state).
var releaseMu sync.Mutex

// withTestRelease runs run with the release policy of the file named by the
// script's $TPOD_TEST_RELEASE installed as this tpod's (none when unset),
// as a release build would have it embedded.
func withTestRelease(ts *testscript.TestScript, run func()) {
	releaseMu.Lock()
	defer releaseMu.Unlock()
	old := releasePolicy
	defer func() { releasePolicy = old }()
	releasePolicy = testReleasePolicy(ts.Getenv("TPOD_TEST_RELEASE"))
	run()
}

// testReleasePolicy loads file as this tpod's release policy ("": none).
func testReleasePolicy(file string) func() (*attest.Policy, error) {
	return func() (*attest.Policy, error) {
		if file == "" {
			return nil, nil
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		return release.Load(b, version)
	}
}

// TestPolicyScripts runs the policy command group's scripts on two test
// images that differ in one initrd byte ($IMAGE, $OTHER_IMAGE), with
// $TPOD_TEST_RELEASE standing in for the release policy a release build
// embeds.
func TestPolicyScripts(t *testing.T) {
	measureData, _ := filepath.Abs(filepath.Join("..", "measure", "testdata"))
	env := map[string]string{
		"IMAGE":       measuretest.ImageDir(t, []byte("initrd of the test image"), "console=ttyS0 rdinit=/init"),
		"OTHER_IMAGE": measuretest.ImageDir(t, []byte("initrd of the test imagE"), "console=ttyS0 rdinit=/init"),
		"MEASURE":     measureData,
	}
	runInProcessScriptsAround(t, "policy_*.txtar", env, withTestRelease)
}
