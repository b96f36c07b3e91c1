package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMeasureScripts runs the measure command group's scripts with tpod
// in-process, on the measure and attest packages' test data.
func TestMeasureScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "measure_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no measure scripts: %v", err)
	}
	measureData, _ := filepath.Abs(filepath.Join("..", "measure", "testdata"))
	attestData, _ := filepath.Abs(filepath.Join("..", "attest", "testdata"))
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			env.Setenv("MEASURE", measureData)
			env.Setenv("ATTEST", attestData)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
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
