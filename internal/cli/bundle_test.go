package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trustedpods/tpod/internal/oci"
	"github.com/trustedpods/tpod/internal/oci/ocitest"
)

// TestBundleScripts runs the key, manifest and bundle scripts with tpod in-process.
func TestBundleScripts(t *testing.T) {
	var files []string
	for _, pat := range []string{"key_*.txtar", "manifest_*.txtar", "bundle_*.txtar"} {
		m, err := filepath.Glob(filepath.Join("testdata", "script", pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no scripts")
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			// The embedded IPFS node must not touch the real home directory.
			env.Setenv("TPOD_IPFS_REPO", filepath.Join(env.WorkDir, ".ipfs"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				if err := os.Setenv("TPOD_IPFS_REPO", ts.Getenv("TPOD_IPFS_REPO")); err != nil {
					ts.Fatalf("%v", err)
				}
				code := Main(context.Background(), args, ts.Stdout(), ts.Stderr())
				if neg && code == 0 {
					ts.Fatalf("tpod %v succeeded unexpectedly", args)
				}
				if !neg && code != 0 {
					ts.Fatalf("tpod %v exited %d", args, code)
				}
			},
			// mkimage KIND PATH REF writes the test server image as an OCI
			// layout directory (oci-dir), OCI layout tar (oci-tar) or docker
			// archive (docker).
			"mkimage": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: mkimage oci-dir|oci-tar|docker PATH REF")
				}
				img := ocitest.ServerImage(t)
				p := ts.MkAbs(args[1])
				var err error
				switch args[0] {
				case "oci-dir":
					err = oci.WriteLayoutDir(p, img, args[2])
				case "docker":
					err = oci.WriteDockerArchive(p, img, args[2])
				case "oci-tar":
					var f *os.File
					if f, err = os.Create(p); err == nil {
						_, err = oci.WriteLayoutTar(f, img, args[2])
						f.Close()
					}
				default:
					ts.Fatalf("unknown kind %s", args[0])
				}
				ts.Check(err)
			},
			// format1 SRC DST copies a bundle with its format version set to
			// 1 (a bundle of the format that named no channel).
			"format1": func(ts *testscript.TestScript, neg bool, args []string) {
				b := []byte(ts.ReadFile(args[0]))
				b[8], b[9] = 0, 1
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
			},
			// envfile VAR FILE sets VAR to FILE's content without its final newline.
			"envfile": func(ts *testscript.TestScript, neg bool, args []string) {
				ts.Setenv(args[0], strings.TrimSpace(ts.ReadFile(args[1])))
			},
			// perm FILE MODE checks a file's permission bits (octal).
			"perm": func(ts *testscript.TestScript, neg bool, args []string) {
				fi, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				want, err := strconv.ParseUint(args[1], 8, 32)
				ts.Check(err)
				if got := uint64(fi.Mode().Perm()); (got == want) == neg {
					ts.Fatalf("%s has mode %o", args[0], got)
				}
			},
		},
	})
}
