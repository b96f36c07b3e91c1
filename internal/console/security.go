package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// MinTokenLen is the shortest access token a remote console accepts.
const MinTokenLen = 16

// CheckListen refuses an address the console must not bind: anything but
// a loopback address, unless remote access was asked for with a token.
func CheckListen(addr string, allowRemote bool, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if isLoopback(host) {
		return nil
	}
	if !allowRemote {
		return fmt.Errorf("listen address %q is not a loopback address: the console acts with your wallet; pass --allow-remote and a token (TPOD_CONSOLE_TOKEN) to serve other machines", addr)
	}
	if len(token) < MinTokenLen {
		return fmt.Errorf("--allow-remote needs an access token of at least %d characters in TPOD_CONSOLE_TOKEN", MinTokenLen)
	}
	return nil
}

// isLoopback reports whether host names only this machine. An empty host
// (":8090") listens on every interface.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newSecret returns 32 random bytes in hex.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// tokenCookie carries the remote access token after the first visit.
const tokenCookie = "tpod_console"

// csrfHeader is where the page puts the CSRF token of a state-changing
// request.
const csrfHeader = "X-CSRF-Token"

// errForbidden is how every refused request is answered.
var errForbidden = errors.New("forbidden")

// checkHost refuses a request whose Host is not the console's own
// address (a DNS-rebinding page names its own host). A remote console
// accepts any host: its token guards it.
func (s *Server) checkHost(r *http.Request) error {
	if s.cfg.Token != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if !isLoopback(strings.Trim(host, "[]")) {
		return fmt.Errorf("host %q is not this console's: %w", r.Host, errForbidden)
	}
	return nil
}

// checkToken checks the remote access token: ?token= once (the console
// then sets a cookie), or the cookie.
func (s *Server) checkToken(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Token == "" {
		return nil
	}
	if c, err := r.Cookie(tokenCookie); err == nil && equal(c.Value, s.cfg.Token) {
		return nil
	}
	if q := r.URL.Query().Get("token"); q != "" && equal(q, s.cfg.Token) && r.Method == http.MethodGet {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: s.cfg.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		return nil
	}
	return fmt.Errorf("no valid access token: %w", errForbidden)
}

// checkSameOrigin is the CSRF defence of a state-changing request: it must
// come from this console's page (Origin, else Sec-Fetch-Site, names this
// origin) and carry the page's CSRF token.
func (s *Server) checkSameOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	switch {
	case origin != "":
		u, err := url.Parse(origin)
		if err != nil || u.Host != r.Host || (u.Scheme != "http" && u.Scheme != "https") {
			return fmt.Errorf("cross-origin request from %q: %w", origin, errForbidden)
		}
	case r.Header.Get("Sec-Fetch-Site") != "same-origin":
		return fmt.Errorf("request without an Origin from another site: %w", errForbidden)
	}
	if !equal(r.Header.Get(csrfHeader), s.csrf) {
		return fmt.Errorf("missing or wrong CSRF token: %w", errForbidden)
	}
	return nil
}

// securityHeaders are set on every answer: a strict CSP (no inline script
// or style, nothing from elsewhere), no framing, no sniffing, no referrer.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}
