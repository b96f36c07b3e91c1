package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/devnet"
)

var chainScriptMu sync.Mutex

// TestChannelScripts runs the chain command groups' scripts (channel_*,
// token_*, receipt_*, contracts_*) against an in-process devnet that mines a
// block per transaction; the script command `advance DURATION` moves chain
// time forward and `jsonvar NAME FIELD` sets $NAME from the last stdout.
func TestChannelScripts(t *testing.T) {
	var files []string
	for _, pat := range []string{"channel_*.txtar", "token_*.txtar", "receipt_*.txtar", "contracts_*.txtar", "context*.txtar"} {
		m, _ := filepath.Glob(filepath.Join("testdata", "script", pat))
		for _, f := range m {
			abs, err := filepath.Abs(f) // tpod runs in-process and changes directory
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, abs)
		}
	}
	if len(files) == 0 {
		t.Fatal("no chain scripts")
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(e *testscript.Env) error {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			d, err := devnet.Start(ctx, devnet.Config{})
			if err != nil {
				return err
			}
			e.Defer(func() { d.Close() })
			e.Values["devnet"] = d
			net := filepath.Join(e.WorkDir, "devnet.json")
			if err := devnet.WriteInfo(net, d.Info()); err != nil {
				return err
			}
			deployer, err := d.Wallet(devnet.LabelDeployer)
			if err != nil {
				return err
			}
			if err := chain.WriteKeyFile(filepath.Join(e.WorkDir, "deployer.hex"), deployer); err != nil {
				return err
			}
			e.Setenv("NET", net)
			e.Setenv("RPC", d.Info().RPC.HTTP)
			e.Setenv("PAYMENT", d.Info().Contracts.Payment.Hex())
			e.Setenv("TPOD_CONFIG", filepath.Join(e.WorkDir, ".config", "tpod", "config.yaml"))
			e.Setenv("TPOD_STATE_DIR", filepath.Join(e.WorkDir, "state"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"tpod": func(ts *testscript.TestScript, neg bool, args []string) {
				chainScriptMu.Lock()
				defer chainScriptMu.Unlock()
				runInScriptEnv(ts, neg, args, []string{"TPOD_CONFIG", "TPOD_CONTEXT", "TPOD_STATE_DIR", "TPOD_NETWORK"})
			},
			"advance": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: advance DURATION")
				}
				dt, err := time.ParseDuration(args[0])
				ts.Check(err)
				ts.Check(ts.Value("devnet").(*devnet.Devnet).AdjustTime(dt))
			},
			// envprefix NAME VAR N: $NAME = the first N characters of $VAR.
			"envprefix": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 3 {
					ts.Fatalf("usage: envprefix NAME VAR N")
				}
				n, err := strconv.Atoi(args[2])
				ts.Check(err)
				v := ts.Getenv(args[1])
				ts.Setenv(args[0], v[:min(n, len(v))])
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
		},
	})
}

// TestDevnetUp runs `tpod devnet up` until interrupted.
func TestDevnetUp(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "devnet.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr strings.Builder
	done := make(chan int)
	go func() {
		done <- Main(ctx, []string{"devnet", "up", "--http-port", "0", "--ws-port", "0", "--out", out}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(out); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("devnet up exited %d: %s", code, stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no devnet file")
		}
	}
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("devnet file: %v %v", st, err)
	}
	info, err := devnet.ReadInfo(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := info.Wallet(devnet.LabelPublisher); err != nil {
		t.Fatal(err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("devnet file left behind: %v", err)
	}
	if strings.Contains(stdout.String(), info.Accounts[1].PrivateKey[2:]) {
		t.Fatal("a private key was printed")
	}
}
