package gateway

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tlsClient returns a client that dials the gateway whatever the URL's host
// and checks the peer with cfg.
func tlsClient(t *testing.T, g *Gateway, cfg *tls.Config) *http.Client {
	var protos http.Protocols
	protos.SetHTTP1(true)
	protos.SetHTTP2(slices.Contains(cfg.NextProtos, "h2"))
	tr := &http.Transport{
		TLSClientConfig: cfg.Clone(),
		Protocols:       &protos,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", g.HTTPSAddr().String())
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Timeout: 10 * time.Second, Transport: tr}
}

func TestTLSBinding(t *testing.T) {
	id, err := NewTLSIdentity(TLSOptions{Domain: domain})
	if err != nil {
		t.Fatal(err)
	}
	b := newProcBackend(t)
	g, _ := startGateway(t, Config{Backend: b, HTTPSAddr: "127.0.0.1:0", TLS: id})
	if err := g.AddRoute(Route{PodID: "p", Hostnames: []string{"app.example.com"}, Host: "127.0.0.1", HTTPPort: b.port("p"), Scale: Scale{Min: 0, IdleTimeout: time.Hour}, Stopped: true}); err != nil {
		t.Fatal(err)
	}

	// What the client gets from verified evidence.
	extra := id.Binding().ExtraData()
	bind, err := ParseBinding(extra)
	if err != nil {
		t.Fatal(err)
	}
	if bind.KeySHA256 != id.TLSKeyHash() {
		t.Fatal("binding round trip")
	}

	for _, host := range []string{genHost(t, "p"), "app.example.com"} {
		var leaf *x509.Certificate
		cfg := bind.ClientTLSConfig(host, nil)
		verify := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			leaf = cs.PeerCertificates[0]
			return verify(cs)
		}
		resp, err := tlsClient(t, g, cfg).Get("https://" + host + "/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.ProtoMajor != 2 || !strings.Contains(string(body), "proto=https") {
			t.Errorf("%s: %d %s %q", host, resp.StatusCode, resp.Proto, body)
		}
		if KeyHash(leaf) != id.TLSKeyHash() {
			t.Errorf("%s: leaf key differs from the bound key", host)
		}
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("%s: certificate names %v: %v", host, leaf.DNSNames, err)
		}
	}

	// HTTP/1.1 over TLS, and a WebSocket over it.
	cfg := bind.ClientTLSConfig("app.example.com", nil)
	cfg.NextProtos = []string{"http/1.1"}
	resp, err := tlsClient(t, g, cfg).Get("https://app.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 1 {
		t.Errorf("http/1.1 client got %s", resp.Proto)
	}
	d := websocket.Dialer{
		NetDial:         func(_, _ string) (net.Conn, error) { return net.Dial("tcp", g.HTTPSAddr().String()) },
		TLSClientConfig: cfg,
	}
	ws, wresp, err := d.Dial("wss://app.example.com/ws", nil)
	if err != nil {
		t.Fatalf("wss: %v", err)
	}
	wresp.Body.Close()
	ws.WriteMessage(websocket.TextMessage, []byte("hi"))
	if _, m, err := ws.ReadMessage(); err != nil || string(m) != "echo hi" {
		t.Errorf("wss echo: %q %v", m, err)
	}
	ws.Close()

	// A client expecting another enclave's key refuses this gateway.
	other, _ := NewTLSIdentity(TLSOptions{Domain: domain})
	_, err = tlsClient(t, g, other.Binding().ClientTLSConfig("app.example.com", nil)).Get("https://app.example.com/")
	if !errors.Is(err, ErrBinding) {
		t.Errorf("wrong binding: %v, want ErrBinding", err)
	}
	// And a plain client does not trust the self-signed certificate.
	_, err = tlsClient(t, g, &tls.Config{ServerName: "app.example.com"}).Get("https://app.example.com/")
	if err == nil {
		t.Error("self-signed certificate accepted without the key check")
	}
}

func TestTLSWithCA(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	id, err := NewTLSIdentity(TLSOptions{Domain: domain, CACert: ca, CAKey: caKey})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := startGateway(t, Config{HTTPSAddr: "127.0.0.1:0", TLS: id})
	h, p := staticPod(t, "A")
	if err := g.AddRoute(Route{PodID: "a", Hostnames: []string{"a.example.com"}, Host: h, HTTPPort: p, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, host := range []string{"a.example.com", "a." + domain} {
		// Chain, name and key pin all checked.
		resp, err := tlsClient(t, g, id.Binding().ClientTLSConfig(host, roots)).Get("https://" + host + "/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", host, resp.StatusCode)
		}
	}
	// A CA-valid certificate is not enough: the key must be the bound one.
	other, _ := NewTLSIdentity(TLSOptions{Domain: domain})
	if _, err := tlsClient(t, g, other.Binding().ClientTLSConfig("a.example.com", roots)).Get("https://a.example.com/"); !errors.Is(err, ErrBinding) {
		t.Errorf("wrong binding with CA roots: %v", err)
	}
	if _, err := NewTLSIdentity(TLSOptions{CACert: ca}); !errors.Is(err, ErrInvalid) {
		t.Errorf("CA cert without key: %v", err)
	}
}

func TestH2C(t *testing.T) {
	g, _ := startGateway(t, Config{H2C: true})
	h, p := staticPod(t, "A")
	if err := g.AddRoute(Route{PodID: "a", Hostnames: []string{"a.example.com"}, Host: h, HTTPPort: p, Scale: Scale{Min: 1}}); err != nil {
		t.Fatal(err)
	}
	var protos http.Protocols
	protos.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &protos}
	defer tr.CloseIdleConnections()
	c := &http.Client{Timeout: 10 * time.Second, Transport: tr}
	req, _ := http.NewRequest("GET", "http://"+g.HTTPAddr().String()+"/", nil)
	req.Host = "a.example.com"
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 || !strings.HasPrefix(string(body), "A host=a.example.com") {
		t.Errorf("h2c: %d %s %q", resp.StatusCode, resp.Proto, body)
	}
}

func FuzzParseBinding(f *testing.F) {
	f.Add(Binding{KeySHA256: [32]byte{1, 2, 3}}.ExtraData())
	f.Add([]byte(BindingPrefix))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBinding(data)
		if err != nil {
			return
		}
		if !bytes.Equal(b.ExtraData(), data) {
			t.Fatalf("round trip: %x != %x", b.ExtraData(), data)
		}
	})
}

func FuzzHostname(f *testing.F) {
	for _, s := range []string{"a.example.com", "A.Example.COM.:443", "[::1]:80", "x", "-a.b", "a..b", "xn--bcher-kva.example", strings.Repeat("a.", 130)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		n := NormalizeHost(h)
		if ValidHostname(n) != nil {
			return
		}
		if NormalizeHost(n) != n {
			t.Fatalf("normalize not idempotent: %q → %q → %q", h, n, NormalizeHost(n))
		}
		if len(n) > 253 || strings.ContainsAny(n, ":/*[] ") {
			t.Fatalf("accepted %q", n)
		}
		// A generated name under a valid domain is a valid hostname.
		if gh, err := GeneratedHostname(h, n, 12); err == nil && len(gh) <= 253 && ValidHostname(gh) != nil {
			t.Fatalf("generated %q invalid", gh)
		}
	})
}
