package publisher

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trustedpods/tpod/internal/gateway"
)

// tlsGateway serves HTTPS on 127.0.0.1 with a gateway TLS identity's
// certificates, as the provider's gateway does.
func tlsGateway(t *testing.T, domain string) (*gateway.TLSIdentity, *httptest.Server) {
	t.Helper()
	id, err := gateway.NewTLSIdentity(gateway.TLSOptions{Domain: domain})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }))
	def, err := id.Certificate("")
	if err != nil {
		t.Fatal(err)
	}
	// Certificates too: httptest would otherwise add its own for clients
	// that send no server name.
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{*def}, GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) { return id.Certificate(h.ServerName) }}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return id, srv
}

func port(t *testing.T, u string) string {
	t.Helper()
	_, p, err := net.SplitHostPort(strings.TrimPrefix(u, "https://"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckTLS(t *testing.T) {
	ctx := context.Background()
	id, srv := tlsGateway(t, "pods.test")
	other, _ := tlsGateway(t, "pods.test")
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	p := port(t, srv.URL)
	bound := id.Binding().String()

	rec := func(binding string, eps ...Endpoint) *Record {
		return &Record{ID: "00aa11bb22cc33dd", TEE: "simulated", TLSBinding: binding, Endpoints: eps,
			Provider: ProviderRef{Addrs: []string{"/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWQd3G8B7VbX3LqVTnH9B4yXyN3NXmE2MRXzsHj8uZAbcd", "/ip4/0.0.0.0/udp/1/quic-v1"}}}
	}
	t.Run("match", func(t *testing.T) {
		got, err := CheckTLS(ctx, rec(bound), TLSCheckOptions{URL: "https://abc.pods.test:" + p, Connect: "127.0.0.1:" + p})
		if err != nil {
			t.Fatal(err)
		}
		if got.Binding != bound || got.ServerName != "abc.pods.test" || got.TLSVersion != "TLS 1.3" || got.Evidence != "simulated" {
			t.Fatalf("check %+v", got)
		}
		if len(got.DNSNames) != 2 || got.DNSNames[1] != "*.pods.test" {
			t.Fatalf("SANs %v", got.DNSNames)
		}
	})
	t.Run("recorded endpoint, provider address fallback", func(t *testing.T) {
		// Nothing listens on 127.0.0.2 at that port (the server is on
		// 127.0.0.1): the check falls back to the provider's own address.
		r := rec(bound, Endpoint{Name: "abc", Protocol: "http", Address: "http://127.0.0.2:1"}, Endpoint{Name: "abc", Protocol: "https", Address: "https://127.0.0.2:" + p})
		got, err := CheckTLS(ctx, r, TLSCheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Address != "127.0.0.1:"+p || got.URL != "https://127.0.0.2:"+p {
			t.Fatalf("check %+v", got)
		}
	})
	t.Run("another key", func(t *testing.T) {
		_, err := CheckTLS(ctx, rec(other.Binding().String()), TLSCheckOptions{URL: srv.URL})
		if !errors.Is(err, gateway.ErrBinding) || !strings.Contains(err.Error(), "may not be the attested enclave") {
			t.Fatalf("another key: %v", err)
		}
	})
	t.Run("no binding", func(t *testing.T) {
		_, err := CheckTLS(ctx, rec(""), TLSCheckOptions{URL: srv.URL})
		if !errors.Is(err, ErrNoBinding) {
			t.Fatalf("no binding: %v", err)
		}
	})
	t.Run("bad binding", func(t *testing.T) {
		if _, err := CheckTLS(ctx, rec("abcd"), TLSCheckOptions{URL: srv.URL}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("bad binding: %v", err)
		}
	})
	t.Run("no https endpoint", func(t *testing.T) {
		r := rec(bound, Endpoint{Name: "abc", Protocol: "http", Address: "http://127.0.0.1:1"})
		if _, err := CheckTLS(ctx, r, TLSCheckOptions{}); !errors.Is(err, ErrNoHTTPSEndpoint) {
			t.Fatalf("no https endpoint: %v", err)
		}
	})
	t.Run("http url", func(t *testing.T) {
		if _, err := CheckTLS(ctx, rec(bound), TLSCheckOptions{URL: plain.URL}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("http URL: %v", err)
		}
	})
	t.Run("plain http server", func(t *testing.T) {
		u := "https://" + strings.TrimPrefix(plain.URL, "http://")
		_, err := CheckTLS(ctx, rec(bound), TLSCheckOptions{URL: u})
		if !errors.Is(err, ErrUnreachable) || errors.Is(err, gateway.ErrBinding) {
			t.Fatalf("plain HTTP server: %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		if _, err := CheckTLS(ctx, rec(bound), TLSCheckOptions{URL: "https://" + addr}); !errors.Is(err, ErrUnreachable) {
			t.Fatalf("unreachable: %v", err)
		}
	})
}

// A record written before the binding existed still loads, without one.
func TestRecordWithoutTLSBinding(t *testing.T) {
	s := &State{Dir: t.TempDir()}
	old := `{"version": 1, "id": "00aa11bb22cc33dd", "name": "a", "step": "provisioned", "tee": "simulated",
	  "enclaveSigner": "0x0000000000000000000000000000000000000001", "token": "", "podId": "0x0000000000000000000000000000000000000000000000000000000000000000"}`
	if err := os.WriteFile(filepath.Join(s.Dir, "00aa11bb22cc33dd.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := s.Load("00aa")
	if err != nil || rec.TLSBinding != "" {
		t.Fatalf("old record: %+v %v", rec, err)
	}
	rec.TLSBinding = strings.Repeat("ab", 32)
	if err := s.Save(rec); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(s.Dir, rec.ID+".json"))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["tlsBinding"] != rec.TLSBinding {
		t.Fatalf("saved %s", b)
	}
}
