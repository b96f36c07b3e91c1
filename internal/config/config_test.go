package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type sample struct {
	DataDir string `json:"dataDir"`
	Chain   struct {
		RPC           string `json:"rpc"`
		Confirmations uint64 `json:"confirmations"`
	} `json:"chain"`
	Billing  Duration      `json:"billingCycle"`
	Timeout  time.Duration `json:"timeout"`
	Insecure bool          `json:"insecure"`
	Secret   string        `json:"secret" env:"-"`
	Tokens   []string      `json:"tokens"`
}

func TestLoadFileThenEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("dataDir: /d\nchain:\n  rpc: http://a\n  confirmations: 2\nbillingCycle: 1m\ntokens: [x]\n"), 0o600)
	env := map[string]string{
		"TPOD_CHAIN_RPC":      "ws://b",
		"TPOD_BILLINGCYCLE":   "30s",
		"TPOD_TIMEOUT":        "5s",
		"TPOD_INSECURE":       "true",
		"TPOD_SECRET":         "leak",
		"TPOD_TOKENS":         "y",
		"UNRELATED_CHAIN_RPC": "z",
	}
	var c sample
	if err := Load(path, "", &c); err != nil {
		t.Fatal(err)
	}
	if err := ApplyEnv("TPOD", func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &c); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/d" || c.Chain.RPC != "ws://b" || c.Chain.Confirmations != 2 ||
		time.Duration(c.Billing) != 30*time.Second || c.Timeout != 5*time.Second || !c.Insecure {
		t.Fatalf("config = %+v", c)
	}
	if c.Secret != "" {
		t.Fatal("a field tagged env:\"-\" was read from the environment")
	}
	if len(c.Tokens) != 1 || c.Tokens[0] != "x" {
		t.Fatalf("tokens = %v", c.Tokens)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.yaml")
	os.WriteFile(typo, []byte("chain:\n  rcp: http://a\n"), 0o600)
	var c sample
	if err := Load(typo, "TPOD", &c); !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown field: %v, want ErrInvalid", err)
	}
	big := filepath.Join(dir, "big.yaml")
	os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600)
	if err := Load(big, "TPOD", &c); !errors.Is(err, ErrInvalid) {
		t.Fatalf("oversized file: %v, want ErrInvalid", err)
	}
	if err := Load(filepath.Join(dir, "missing.yaml"), "TPOD", &c); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	bad := func(k string) (string, bool) { return "nope", k == "TPOD_CHAIN_CONFIRMATIONS" }
	if err := ApplyEnv("TPOD", bad, &c); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad number in env: %v, want ErrInvalid", err)
	}
}

// Errors name the file, the line and the setting, in YAML's terms.
func TestLoadErrorPositions(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ text, want string }{
		{"dataDir: /d\nchain:\n  rpc: http://a\n  confirmation: 2\n", "c.yaml:4: chain.confirmation: unknown setting"},
		{"dataDir: /d\nchain:\n  confirmations: two\n", `c.yaml:3: chain.confirmations: want a whole number, got "two"`},
		{"dataDir: /d\nbillingCycle: 5x\n", `c.yaml:2: billingCycle: `},
		{"dataDir: /d\nchain:\n  rpc: a\n   x: 1\n", "c.yaml:4: not valid YAML"},
		{"tokens:\n  - a\ny: 1\n", "c.yaml:3: y: unknown setting"},
	} {
		path := filepath.Join(dir, "c.yaml")
		os.WriteFile(path, []byte(c.text), 0o600)
		var s sample
		err := Load(path, "X", &s)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "JSON") {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
}
