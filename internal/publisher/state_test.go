package publisher

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// TestRecordFormat loads a record written by an earlier tpod (addresses in
// EIP-55 case, amounts and IDs as strings), checks the typed fields, saves
// it again and compares the two documents: the same fields with the same
// values (addresses now lowercase; docs/publisher.md § State files).
func TestRecordFormat(t *testing.T) {
	old, err := os.ReadFile("testdata/record-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	s := &State{Dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(s.Dir, "3f1c9a7e52b0d4e6.json"), old, 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Load("3f1c")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Token != common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3") ||
		rec.Provider.Address != common.HexToAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC") ||
		rec.EnclaveSigner != common.HexToAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906") {
		t.Errorf("addresses: token %s provider %s enclave %s", rec.Token, rec.Provider.Address, rec.EnclaveSigner)
	}
	if rec.Funds.String() != "5000000000000000000" || rec.MaxPerSecond.String() != "123456789012345678901" ||
		len(rec.Prices) != 7 || rec.Prices[6].String() != "340282366920938463463374607431768211455" {
		t.Errorf("amounts: funds %s max %s prices %v", rec.Funds, rec.MaxPerSecond, rec.Prices)
	}
	if rec.PodID.String() != "0x3f1c9a7e52b0d4e6a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718" || rec.ChannelID[0] != 0xc0 {
		t.Errorf("IDs: pod %s channel %s", rec.PodID, rec.ChannelID)
	}
	if err := s.Save(rec); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(filepath.Join(s.Dir, "3f1c9a7e52b0d4e6.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, got := normalized(t, old), normalized(t, saved)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("saved again:\n%s\nwant the fields of\n%s", saved, old)
	}

	// A record before it kept optional fields still loads, and saving it
	// adds none of them.
	var m map[string]any
	if err := json.Unmarshal(old, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"registry", "enclaveSigner", "prices", "maxPerSecond", "funds", "channelId", "genesis"} {
		delete(m, k)
	}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(s.Dir, "3f1c9a7e52b0d4e6.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if rec, err = s.Load("3f1c"); err != nil {
		t.Fatal(err)
	}
	if !rec.Funds.IsZero() || !rec.ChannelID.IsZero() || rec.EnclaveSigner != (common.Address{}) {
		t.Errorf("absent fields: %+v", rec)
	}
	if err := s.Save(rec); err != nil {
		t.Fatal(err)
	}
	saved, _ = os.ReadFile(filepath.Join(s.Dir, "3f1c9a7e52b0d4e6.json"))
	if want, got := normalized(t, b), normalized(t, saved); !reflect.DeepEqual(want, got) {
		t.Errorf("saved again:\n%s\nwant the fields of\n%s", saved, b)
	}

	// Typed fields refuse what is not their type.
	for _, bad := range []string{`"funds": "5e18"`, `"podId": "0x1234"`, `"token": "0x5FbDB2315678afecb367f032d93F642f6418"`} {
		k := strings.SplitN(bad, ":", 2)[0]
		var doc map[string]json.RawMessage
		json.Unmarshal(old, &doc)
		doc[strings.Trim(k, `"`)] = json.RawMessage(strings.SplitN(bad, ": ", 2)[1])
		b, _ := json.Marshal(doc)
		os.WriteFile(filepath.Join(s.Dir, "3f1c9a7e52b0d4e6.json"), b, 0o600)
		if _, err := s.Load("3f1c"); err == nil {
			t.Errorf("%s: loaded", bad)
		}
	}
}

// normalized is a record document without its save time, with addresses
// in one case.
func normalized(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "updatedAt")
	var lower func(v any) any
	lower = func(v any) any {
		switch x := v.(type) {
		case string:
			if len(x) == 42 && strings.HasPrefix(x, "0x") {
				return strings.ToLower(x)
			}
		case map[string]any:
			for k, e := range x {
				x[k] = lower(e)
			}
		case []any:
			for i, e := range x {
				x[i] = lower(e)
			}
		}
		return v
	}
	return lower(m).(map[string]any)
}
