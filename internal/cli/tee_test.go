package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestTeeScripts runs the tee command group's scripts with tpod in-process.
func TestTeeScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "tee_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no tee scripts: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				// tpod runs in-process: scripts pass absolute paths ($WORK/...)
				// and --data-dir, so nothing global (cwd, environment) changes.
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
