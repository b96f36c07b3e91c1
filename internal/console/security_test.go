package console

import (
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var inlineHandler = regexp.MustCompile(`\son[a-z]+=`)

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// testServer is a Server without a publisher: the checks under test run
// before any handler; a request that passes them reaches the deploy
// handler, which refuses the empty form (400) before it would act.
func testServer(t *testing.T, token string) *Server {
	t.Helper()
	s := &Server{cfg: Config{Token: token}, csrf: "c5rf-0123456789abcdef"}
	s.log = slogDiscard()
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		t.Fatal(err)
	}
	s.static = http.FileServerFS(sub)
	return s
}

func post(t *testing.T, s *Server, host string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://"+host+"/api/deploy", strings.NewReader(`{"manifest":""}`))
	r.Host = host
	r.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	return w
}

// TestCSRF performs the attacks a page of another site can make on the
// console: a form or fetch without the token, with a stolen-looking token
// from another origin, and a DNS-rebinding request naming another host.
func TestCSRF(t *testing.T) {
	s := testServer(t, "")
	host := "127.0.0.1:8090"
	for name, tc := range map[string]struct {
		host string
		hdr  map[string]string
		want int
	}{
		"same origin with token":         {host, map[string]string{"Origin": "http://" + host, csrfHeader: s.csrf}, http.StatusBadRequest},
		"same-site fetch without Origin": {host, map[string]string{"Sec-Fetch-Site": "same-origin", csrfHeader: s.csrf}, http.StatusBadRequest},
		"no token":                       {host, map[string]string{"Origin": "http://" + host}, http.StatusForbidden},
		"wrong token":                    {host, map[string]string{"Origin": "http://" + host, csrfHeader: "guess"}, http.StatusForbidden},
		"other origin with token":        {host, map[string]string{"Origin": "http://evil.example", csrfHeader: s.csrf}, http.StatusForbidden},
		"other port":                     {host, map[string]string{"Origin": "http://127.0.0.1:9999", csrfHeader: s.csrf}, http.StatusForbidden},
		"null origin":                    {host, map[string]string{"Origin": "null", csrfHeader: s.csrf}, http.StatusForbidden},
		"cross-site without Origin":      {host, map[string]string{"Sec-Fetch-Site": "cross-site", csrfHeader: s.csrf}, http.StatusForbidden},
		"no Origin, no fetch metadata":   {host, map[string]string{csrfHeader: s.csrf}, http.StatusForbidden},
		"dns rebinding":                  {"evil.example:8090", map[string]string{"Origin": "http://evil.example:8090", csrfHeader: s.csrf}, http.StatusForbidden},
	} {
		t.Run(name, func(t *testing.T) {
			w := post(t, s, tc.host, tc.hdr)
			if w.Code != tc.want {
				t.Fatalf("status %d (%s), want %d", w.Code, strings.TrimSpace(w.Body.String()), tc.want)
			}
		})
	}
	// A form post (the only cross-site POST without a preflight) has the
	// wrong content type even with a token.
	w := post(t, s, host, map[string]string{"Origin": "http://" + host, csrfHeader: s.csrf, "Content-Type": "application/x-www-form-urlencoded"})
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "content type") {
		t.Fatalf("form post: %d %s", w.Code, w.Body.String())
	}
}

// TestRemoteToken: a remote console answers nothing without its token,
// and remembers it in a cookie after ?token=.
func TestRemoteToken(t *testing.T) {
	s := testServer(t, "0123456789abcdef-token")
	get := func(target string, cookie *http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		if cookie != nil {
			r.AddCookie(cookie)
		}
		w := httptest.NewRecorder()
		s.Handler().ServeHTTP(w, r)
		return w
	}
	if w := get("http://10.0.0.5:8090/static/app.css", nil); w.Code != http.StatusForbidden {
		t.Fatalf("no token: %d", w.Code)
	}
	if w := get("http://10.0.0.5:8090/static/app.css?token=wrong-token-0123456", nil); w.Code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", w.Code)
	}
	w := get("http://10.0.0.5:8090/static/app.css?token=0123456789abcdef-token", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("token: %d", w.Code)
	}
	var c *http.Cookie
	for _, k := range w.Result().Cookies() {
		if k.Name == tokenCookie {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("cookie %+v", c)
	}
	if w := get("http://10.0.0.5:8090/static/app.css", c); w.Code != http.StatusOK {
		t.Fatalf("cookie: %d", w.Code)
	}
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		token  string
		ok     bool
	}{
		{"127.0.0.1:8090", false, "", true},
		{"[::1]:8090", false, "", true},
		{"localhost:0", false, "", true},
		{"0.0.0.0:8090", false, "", false},
		{":8090", false, "", false},
		{"192.168.1.4:8090", false, "0123456789abcdef", false},
		{"0.0.0.0:8090", true, "", false},
		{"0.0.0.0:8090", true, "short", false},
		{"0.0.0.0:8090", true, "0123456789abcdef", true},
		{"nonsense", false, "", false},
	} {
		if err := CheckListen(tc.addr, tc.remote, tc.token); (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, %v, %q) = %v", tc.addr, tc.remote, tc.token, err)
		}
	}
}

// TestHeaders: every answer carries the strict CSP, and the page has no
// inline script for it to forbid.
func TestHeaders(t *testing.T) {
	s := testServer(t, "")
	idx, err := parseIndex()
	if err != nil {
		t.Fatal(err)
	}
	s.index = idx
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8090/", nil)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("index: %d", w.Code)
	}
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q allows unsafe sources", csp)
	}
	body := w.Body.String()
	if !strings.Contains(body, `content="`+s.csrf+`"`) {
		t.Error("the page lacks its CSRF token")
	}
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, "<script") && !strings.Contains(line, ` src="/static/`) {
			t.Errorf("inline script: %s", line)
		}
		if strings.Contains(line, "<style") || strings.Contains(line, " style=") || inlineHandler.MatchString(line) {
			t.Errorf("inline style or handler: %s", line)
		}
	}
}
