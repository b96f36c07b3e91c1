package measure

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	tdxabi "github.com/google/go-tdx-guest/abi"
	tpb "github.com/google/go-tdx-guest/proto/tdx"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// quoteRTMRs returns the RTMRs of the real quote taken beside the CCEL.
func quoteRTMRs(t testing.TB) RTMRs {
	q, err := tdxabi.QuoteToProto(readTestdata(t, "ccel_quote.dat"))
	if err != nil {
		t.Fatal(err)
	}
	var r RTMRs
	for i, v := range q.(*tpb.QuoteV4).GetTdQuoteBody().GetRtmrs() {
		copy(r[i][:], v)
	}
	return r
}

// The CCEL log of a real TD (Google Cloud, COS 113) replays to the RTMRs of
// the quote taken in that TD.
func TestCCELReplayMatchesRealQuote(t *testing.T) {
	table, err := ParseCCELTable(readTestdata(t, "ccel_table.dat"))
	if err != nil {
		t.Fatal(err)
	}
	if table.CCType != CCTypeTDX || table.LogMinLength != 256<<10 {
		t.Fatalf("table %+v", table)
	}
	events, err := ParseEventLog(readTestdata(t, "ccel_data.dat"))
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 43 {
		t.Fatalf("%d events, want 43", len(events))
	}
	got, want := ReplayRTMRs(events), quoteRTMRs(t)
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("RTMR%d replays to %s, the quote has %s", i, got[i], want[i])
		}
	}
	for _, e := range events[:3] {
		t.Logf("MR%d %-32s %s", e.MRIndex, EventTypeName(e.Type), e.Describe())
	}

	// One event's digest changed: that register no longer matches.
	events[5].Digest[0] ^= 1
	if bad := ReplayRTMRs(events); bad[0] == want[0] || bad[1] != want[1] {
		t.Fatal("a changed RTMR0 event did not change only RTMR0")
	}
}

func TestParseCCELRefusals(t *testing.T) {
	table := readTestdata(t, "ccel_table.dat")
	bad := bytes.Clone(table)
	bad[50] ^= 1
	if _, err := ParseCCELTable(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad checksum: %v", err)
	}
	if _, err := ParseCCELTable(table[:40]); !errors.Is(err, ErrInvalid) {
		t.Errorf("short table: %v", err)
	}
	log := readTestdata(t, "ccel_data.dat")
	for name, b := range map[string][]byte{
		"truncated event": log[:200],
		"garbage after the end": func() []byte {
			b := bytes.Clone(log)
			b[len(b)-1] = 0x42
			return b
		}(),
		"no spec id": log[32:],
		"register 9": func() []byte {
			b := bytes.Clone(log)
			b[32+33] = 9 // MR index of the first event after the header
			return b
		}(),
	} {
		if _, err := ParseEventLog(b); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: ParseEventLog = %v, want ErrInvalid", name, err)
		}
	}
}

func FuzzParseEventLog(f *testing.F) {
	log := readTestdata(f, "ccel_data.dat")
	f.Add(log[:20000])
	f.Add(log[:600])
	f.Fuzz(func(t *testing.T, b []byte) {
		events, err := ParseEventLog(b)
		if err == nil {
			ReplayRTMRs(events)
			for _, e := range events {
				_ = e.Describe()
			}
		}
	})
}

func FuzzParseCCELTable(f *testing.F) {
	f.Add(readTestdata(f, "ccel_table.dat"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseCCELTable(b) })
}

// The fixed events a direct boot extends into RTMR1 (the EV_EFI_ACTION
// strings and the separator) are the ones a real TDVF logged: the COS log
// (a bootloader boot) has them in RTMR1 with these digests.
func TestDirectBootConstantsInRealLog(t *testing.T) {
	events, err := ParseEventLog(readTestdata(t, "ccel_data.dat"))
	if err != nil {
		t.Fatal(err)
	}
	boot := TDXDirectBoot{Kernel: testPE(true), MemoryBytes: 1 << 30}
	ev, err := boot.Events()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Digest384]bool{}
	for _, e := range events {
		if e.MRIndex == 2 && (e.Type == EvEFIAction || e.Type == EvSeparator) {
			seen[e.Digest] = true
		}
	}
	for i, d := range ev.RTMR1[1:] {
		if !seen[d] {
			t.Errorf("direct-boot RTMR1 event %d (%s) is not in the real log's RTMR1", i+1, d)
		}
	}
}
