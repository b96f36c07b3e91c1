package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trustedpods/tpod/internal/runtime/containerd/containerdtest"
	"github.com/trustedpods/tpod/internal/testimage"
)

// devnetScriptSubnet is the pod subnet of the devnets these scripts start
// (docs/development.md, "Test networks").
const devnetScriptSubnet = "172.30.236.0/24"

var devnetScriptMu sync.Mutex

// TestDevnetScripts runs the devnet_* scripts: flows that start, stop and
// restart `tpod devnet up` as a real process (exec tpod-bin devnet up ...
// &name&, stopped with kill -INT), with the provider's pods on the private
// containerd; the publisher commands run in this process.
func TestDevnetScripts(t *testing.T) {
	e := containerdtest.Require(t, "clidevnet")
	files, err := filepath.Glob(filepath.Join("testdata", "script", "devnet_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no devnet scripts: %v", err)
	}
	img, err := testimage.GoProgram("../../examples/hello", "/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	hello, err := filepath.Abs("../../examples/hello/pod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"TPOD_CONFIG", "TPOD_CONTEXT", "TPOD_STATE_DIR", "TPOD_NETWORK"}
	// One script at a time: their devnets share the namespace, bridge and
	// subnet, and one devnet's start and stop act on the other's pods (a
	// devnet_operator pod was found gone mid-script).
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runDevnetScript(t, file, e, img.Archive, hello, keys)
		})
	}
}

func runDevnetScript(t *testing.T, file string, e containerdtest.Env, helloImage, hello string, keys []string) {
	testscript.Run(t, testscript.Params{
		Files: []string{file},
		Setup: func(env *testscript.Env) error {
			env.Setenv("TPOD_CONFIG", filepath.Join(env.WorkDir, ".config", "tpod", "config.yaml"))
			env.Setenv("TPOD_STATE_DIR", filepath.Join(env.WorkDir, "state"))
			env.Setenv("TPOD_NETWORK", filepath.Join(env.WorkDir, "devnet.json"))
			env.Setenv("HELLO_POD", hello)
			env.Setenv("HELLO_IMAGE", helloImage)
			// Where the devnets of the scripts run their provider's pods.
			env.Setenv("CONTAINERD", e.Address)
			env.Setenv("NAMESPACE", e.Namespace)
			env.Setenv("BRIDGE", e.Bridge)
			env.Setenv("SUBNET", devnetScriptSubnet)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				devnetScriptMu.Lock()
				defer devnetScriptMu.Unlock()
				runInScriptEnv(ts, neg, args, keys)
			},
			"jsonvar": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: jsonvar NAME FIELD")
				}
				var m map[string]any
				ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &m))
				v, ok := m[args[1]]
				if !ok {
					ts.Fatalf("no field %q in stdout", args[1])
				}
				ts.Setenv(args[0], strings.TrimSpace(fmt.Sprint(v)))
			},
			"jsonvar_last": func(ts *testscript.TestScript, neg bool, args []string) { jsonArrayVar(ts, args, false) },
			// scrape NAME sets $NAME to the metrics the devnet's provider
			// serves (the devnet file names the address) and checks that
			// every metric the Grafana dashboard queries is among them.
			"scrape": func(ts *testscript.TestScript, neg bool, args []string) {
				var info struct {
					Extra struct {
						Provider struct {
							Metrics string `json:"metrics"`
						} `json:"provider"`
					} `json:"extra"`
				}
				ts.Check(json.Unmarshal([]byte(ts.ReadFile(ts.Getenv("TPOD_NETWORK"))), &info))
				resp, err := http.Get(info.Extra.Provider.Metrics)
				ts.Check(err)
				b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
				resp.Body.Close()
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
				dash, err := os.ReadFile("../../deploy/grafana/tpod-provider.json")
				ts.Check(err)
				for _, name := range regexp.MustCompile(`tpod_provider_[a-z_]+`).FindAllString(string(dash), -1) {
					if !strings.Contains(string(b), "\n"+name) && !strings.HasPrefix(string(b), name) {
						ts.Fatalf("the dashboard queries %s, which the provider does not serve", name)
					}
				}
			},
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
	})
}
