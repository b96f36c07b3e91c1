package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestTeeScripts runs the tee command group's scripts with tpod in-process.
func TestTeeScripts(t *testing.T) { runInProcessScripts(t, "tee_*.txtar", nil) }

// runInProcessScripts runs testdata/script/<glob> with a tpod command that
// runs in-process: scripts pass absolute paths ($WORK/...) and --data-dir,
// so nothing global (cwd, environment) changes. env is added to each
// script's environment.
func runInProcessScripts(t *testing.T, glob string, env map[string]string) {
	runInProcessScriptsAround(t, glob, env, func(_ *testscript.TestScript, run func()) { run() })
}

// runInProcessScriptsAround is runInProcessScripts with each tpod command
// run by around (which may set up and restore process state).
func runInProcessScriptsAround(t *testing.T, glob string, env map[string]string, around func(ts *testscript.TestScript, run func())) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", glob))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s scripts: %v", glob, err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(e *testscript.Env) error {
			for k, v := range env {
				e.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				var code int
				around(ts, func() { code = Main(context.Background(), args, ts.Stdout(), ts.Stderr()) })
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
