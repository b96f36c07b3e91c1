package measure

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSNPVectors reproduces every row of testdata/vectors.tsv (the expected
// digests of virtee/sev-snp-measure's tests), including the refusal.
func TestSNPVectors(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "vectors.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var header []string
	rows := 0
	for sc.Scan() {
		line := sc.Text()
		if header == nil {
			if strings.HasPrefix(line, "name\t") {
				header = strings.Split(line, "\t")
			}
			continue
		}
		if line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != len(header) {
			t.Fatalf("row %q has %d columns, want %d", line, len(cols), len(header))
		}
		row := map[string]string{}
		for i, h := range header {
			row[h] = cols[i]
		}
		rows++
		t.Run(row["name"], func(t *testing.T) {
			if row["mode"] != "sev-snp" {
				t.Fatalf("mode %q", row["mode"])
			}
			got, err := vectorDigest(t, row)
			want := row["expected"]
			if strings.HasPrefix(want, "ERROR") {
				if err == nil || !errors.Is(err, ErrInvalid) {
					t.Fatalf("digest %v, err %v; want a refusal (%s)", got, err, want)
				}
				if !strings.Contains(err.Error(), "SNP_KERNEL_HASHES") {
					t.Fatalf("refusal %q does not name the missing section", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want {
				t.Fatalf("digest %s, want %s", got, want)
			}
		})
	}
	if rows < 8 {
		t.Fatalf("read %d vector rows, want at least 8", rows)
	}
}

func vectorDigest(t *testing.T, row map[string]string) (Digest384, error) {
	data, err := os.ReadFile(filepath.Join("testdata", row["ovmf"]))
	if err != nil {
		t.Fatal(err)
	}
	fw, err := ParseOVMF(data)
	if err != nil {
		return Digest384{}, err
	}
	var kh *KernelHashes
	if row["kernel"] != "-" {
		read := func(p string) *bytes.Reader {
			if p == "/dev/null" {
				return bytes.NewReader(nil)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			return bytes.NewReader(b)
		}
		h, err := HashKernel(read(row["kernel"]), read(row["initrd"]), row["append"])
		if err != nil {
			t.Fatal(err)
		}
		kh = &h
	}
	features, err := ParseGuestFeatures(row["guest_features"])
	if err != nil {
		t.Fatal(err)
	}
	vcpus := 0
	for _, c := range row["vcpus"] {
		vcpus = vcpus*10 + int(c-'0')
	}
	vmm, err := ParseVMM(row["vmm"])
	if err != nil {
		t.Fatal(err)
	}
	return SNPDigest(fw, kh, SNPConfig{VCPUs: vcpus, VCPUType: row["vcpu_type"], VMM: vmm, GuestFeatures: features})
}

// A verifier holding only the firmware descriptor (JSON) and the three
// SHA-256s computes the same digest as one holding the files.
func TestSNPDigestFromDescriptor(t *testing.T) {
	fw, err := ParseOVMF(readTestdata(t, "ovmf_AmdSev_suffix.bin"))
	if err != nil {
		t.Fatal(err)
	}
	kernel, initrd := []byte("a kernel"), []byte("an initrd")
	kh, err := HashKernel(bytes.NewReader(kernel), bytes.NewReader(initrd), "console=ttyS0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := SNPConfig{VCPUs: 2, VCPUType: "EPYC-Milan", VMM: VMMQEMU, GuestFeatures: 1}
	want, err := SNPDigest(fw, &kh, cfg)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := json.Marshal(struct {
		Firmware *Firmware
		Hashes   KernelHashes
	}{fw, KernelHashes{Kernel: sha256.Sum256(kernel), Initrd: sha256.Sum256(initrd), Cmdline: CmdlineSHA256("console=ttyS0")}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(blob, []byte(`"cmdline_sha256":"`)) || !bytes.Contains(blob, []byte(`"hash":"`+fw.Hash.String())) {
		t.Fatalf("descriptor is not hex: %s", blob)
	}
	var back struct {
		Firmware *Firmware
		Hashes   KernelHashes
	}
	if err := json.Unmarshal(blob, &back); err != nil {
		t.Fatal(err)
	}
	got, err := SNPDigest(back.Firmware, &back.Hashes, cfg)
	if err != nil || got != want {
		t.Fatalf("digest from the descriptor %s (%v), from the files %s", got, err, want)
	}
	// The table is QEMU's layout: 168 bytes used, padded to 176.
	if tb := kh.Table(); len(tb) != 176 || binary.LittleEndian.Uint16(tb[16:]) != 168 || !bytes.Equal(tb[18+50+50+18:18+50+50+50], kh.Kernel[:]) {
		t.Fatalf("table %x", tb)
	}
	// Another firmware digest (--ovmf-hash) gives another launch digest.
	other := *fw
	other.Hash[0] ^= 1
	if d, _ := SNPDigest(&other, &kh, cfg); d == want {
		t.Fatal("the firmware digest is not part of the launch digest")
	}
}
