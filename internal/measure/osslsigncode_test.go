package measure

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAuthenticodeAgainstOsslsigncode checks AuthenticodeSHA384 against an
// independent implementation: osslsigncode signs the image with SHA-384 and
// its verify prints the digest it signed. Skipped where osslsigncode or
// openssl is not installed. TPOD_TEST_PE adds a PE file of your own (e.g.
// an image's vmlinuz).
func TestAuthenticodeAgainstOsslsigncode(t *testing.T) {
	for _, tool := range []string{"osslsigncode", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem")
	if out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
		"-subj", "/CN=tpod-authenticode-test", "-days", "2").CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	images := map[string][]byte{"constructed": testPE(true)}
	if p := os.Getenv("TPOD_TEST_PE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		images[p] = b
	}
	digest := regexp.MustCompile(`Calculated message digest\s*:\s*([0-9A-Fa-f]{96})`)
	for name, pe := range images {
		in, out := filepath.Join(dir, "in.efi"), filepath.Join(dir, "out.efi")
		if err := os.WriteFile(in, pe, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(out)
		if b, err := exec.Command("osslsigncode", "sign", "-h", "sha384", "-certs", cert, "-key", key, "-in", in, "-out", out).CombinedOutput(); err != nil {
			t.Fatalf("%s: osslsigncode sign: %v\n%s", name, err, b)
		}
		b, _ := exec.Command("osslsigncode", "verify", "-in", out).CombinedOutput()
		m := digest.FindSubmatch(b)
		if m == nil {
			// Another osslsigncode's output format: this check needs its digest line.
			t.Skipf("%s: osslsigncode printed no \"Calculated message digest\":\n%s", name, b)
		}
		want := strings.ToLower(string(m[1]))
		signed, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for what, img := range map[string][]byte{"unsigned": pe, "signed": signed} {
			got, err := AuthenticodeSHA384(img)
			if err != nil {
				t.Fatalf("%s %s: %v", name, what, err)
			}
			if hex.EncodeToString(got[:]) != want {
				t.Errorf("%s %s: authenticode %s, osslsigncode %s", name, what, got, want)
			}
		}
		if bytes.Equal(pe, signed) {
			t.Fatalf("%s: signing changed nothing", name)
		}
	}
}
