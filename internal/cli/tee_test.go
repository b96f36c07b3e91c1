package cli

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var teeScriptMu sync.Mutex

// TestTeeScripts runs the tee command group's scripts with tpod in-process.
func TestTeeScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "tee_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tee scripts: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(e *testscript.Env) error {
			e.Setenv("TPOD_DATA_DIR", filepath.Join(e.WorkDir, "data"))
			e.Setenv("TPOD_TEE", "")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				// tpod runs in-process: hand it the script's environment.
				teeScriptMu.Lock()
				defer teeScriptMu.Unlock()
				for _, k := range []string{"TPOD_DATA_DIR", "TPOD_TEE", "HOME"} {
					old, had := os.LookupEnv(k)
					os.Setenv(k, ts.Getenv(k))
					if had {
						defer os.Setenv(k, old)
					} else {
						defer os.Unsetenv(k)
					}
				}
				wd, err := os.Getwd()
				ts.Check(err)
				ts.Check(os.Chdir(ts.Getenv("WORK")))
				defer os.Chdir(wd)
				code := Main(context.Background(), args, ts.Stdout(), ts.Stderr())
				if neg && code == 0 {
					ts.Fatalf("tpod %v succeeded unexpectedly", args)
				}
				if !neg && code != 0 {
					ts.Fatalf("tpod %v exited %d", args, code)
				}
			},
		},
	})
}
