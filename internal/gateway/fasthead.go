package gateway

import "bytes"

// The fast path's parsers (docs/gateway.md, "Fast path"). They accept a
// strict subset of HTTP/1.1 and never allocate; whatever they do not accept
// goes to net/http (requests) or becomes a 502 (responses).

// reqHead is a parsed request head; its slices point into the read buffer.
type reqHead struct {
	method, target, host []byte
	close                bool // Connection: close
	replayable           bool // may be sent again on a new pod connection
	// hdr holds the header lines to forward verbatim (CRLF included), each
	// as [start, end) offsets into the head.
	hdr  [64][2]int
	nhdr int
}

// tokenChar: RFC 9110 tchar.
var tokenChar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !tokenChar[c] {
			return false
		}
	}
	return true
}

// validValue: no control bytes but HTAB, no DEL (httpguts.ValidHeaderFieldValue).
func validValue(b []byte) bool {
	for _, c := range b {
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validTarget: origin-form, visible ASCII only, every '%' followed by two
// hex digits, no ';' in the query (the slow path's ReverseProxy would drop
// such query parameters).
func validTarget(b []byte) bool {
	if len(b) == 0 || b[0] != '/' {
		return false
	}
	query := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return false
		case c == '%':
			if i+2 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) {
				return false
			}
		case c == '?':
			query = true
		case c == ';' && query:
			return false
		case c == '#':
			return false
		}
	}
	return true
}

// validHost: a host name or IP literal with an optional port, in a strict
// character set (a subset of httpguts.ValidHostHeader).
func validHost(b []byte) bool {
	if len(b) == 0 || len(b) > 255 {
		return false
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_') {
			return false
		}
	}
	return true
}

// headEnd returns the length of the head in b (through the blank line), 0 if
// b does not hold a whole head yet, or -1 if b has a bare LF or CR, which the
// fast path leaves to net/http.
func headEnd(b []byte) int { return headEndFrom(b, 0) }

// headEndFrom is headEnd for a b whose first from bytes were scanned before
// (when b was shorter) without a result; it looks back only as far as the
// checks at from need.
func headEndFrom(b []byte, from int) int {
	for i := max(from-3, 0); i < len(b); i++ {
		switch b[i] {
		case '\n':
			if i == 0 || b[i-1] != '\r' {
				return -1
			}
			if i >= 3 && b[i-2] == '\n' && b[i-3] == '\r' {
				return i + 1
			}
		case '\r':
			if i+1 < len(b) && b[i+1] != '\n' {
				return -1
			}
		}
	}
	return 0
}

// parseRequestHead parses a whole head (as delimited by headEnd) into h and
// reports whether the request is in the fast-path subset.
func parseRequestHead(b []byte, h *reqHead) bool {
	*h = reqHead{}
	eol := bytes.Index(b, crlf)
	if eol < 0 {
		return false
	}
	line := b[:eol]
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 < 0 {
		return false
	}
	sp2 := bytes.IndexByte(line[sp1+1:], ' ')
	if sp2 < 0 {
		return false
	}
	sp2 += sp1 + 1
	h.method, h.target = line[:sp1], line[sp1+1:sp2]
	if !isToken(h.method) || string(h.method) == "CONNECT" || !validTarget(h.target) || string(line[sp2+1:]) != "HTTP/1.1" {
		return false
	}
	switch string(h.method) {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		h.replayable = true
	}
	hosts, lengths := 0, 0
	for off := eol + 2; ; {
		eol := bytes.Index(b[off:], crlf)
		if eol < 0 {
			return false
		}
		line := b[off : off+eol]
		start := off
		off += eol + 2
		if len(line) == 0 {
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return false
		}
		name, value := line[:colon], trimOWS(line[colon+1:])
		if !isToken(name) || !validValue(value) {
			return false
		}
		forward := true
		switch {
		case eqFold(name, "host"):
			hosts++
			if !validHost(value) {
				return false
			}
			h.host = value
		case eqFold(name, "content-length"):
			if lengths++; lengths > 1 || string(value) != "0" {
				return false
			}
		case eqFold(name, "connection"):
			switch {
			case eqFold(value, "close"):
				h.close = true
			case eqFold(value, "keep-alive"):
			default:
				return false
			}
			forward = false
		case eqFold(name, "forwarded"), eqFold(name, "x-forwarded-for"),
			eqFold(name, "x-forwarded-host"), eqFold(name, "x-forwarded-proto"):
			forward = false
		case eqFold(name, "transfer-encoding"), eqFold(name, "upgrade"), eqFold(name, "expect"),
			eqFold(name, "te"), eqFold(name, "trailer"), eqFold(name, "proxy-connection"),
			eqFold(name, "keep-alive"), eqFold(name, "proxy-authorization"),
			eqFold(name, "proxy-authenticate"), eqFold(name, "http2-settings"):
			return false
		case eqFold(name, "idempotency-key"), eqFold(name, "x-idempotency-key"):
			h.replayable = true
		}
		if forward {
			if h.nhdr == len(h.hdr) {
				return false
			}
			h.hdr[h.nhdr] = [2]int{start, off}
			h.nhdr++
		}
	}
	return hosts == 1
}

var crlf = []byte("\r\n")

// eqFold compares b with a lower-case ASCII s, ignoring case.
func eqFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// respHead is what the fast path needs of a pod's response head.
type respHead struct {
	status        int
	contentLength int64 // -1: none
	chunked       bool
	close         bool // the pod closes the connection after this response
	// conn holds the tokens of the Connection header, whose headers are
	// hop-by-hop and dropped.
	conn  [8][]byte
	nconn int
}

// parseStatusLine parses "HTTP/1.x SP 3DIGIT [SP reason]" (without CRLF)
// and returns the status and the minor version.
func parseStatusLine(line []byte) (status, minor int, ok bool) {
	if len(line) < 12 || string(line[:7]) != "HTTP/1." || (line[7] != '0' && line[7] != '1') || line[8] != ' ' {
		return 0, 0, false
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, 0, false
		}
		status = status*10 + int(c-'0')
	}
	if status < 100 || (len(line) > 12 && line[12] != ' ') || !validValue(line[12:]) {
		return 0, 0, false
	}
	return status, int(line[7] - '0'), true
}

// respHeader classifies one response header line (without CRLF) into r and
// reports whether it is valid; keep is false for hop-by-hop headers.
func respHeader(line []byte, r *respHead) (keep, ok bool) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return false, false
	}
	name, value := line[:colon], trimOWS(line[colon+1:])
	if !isToken(name) || !validValue(value) {
		return false, false
	}
	switch {
	case eqFold(name, "content-length"):
		if r.contentLength >= 0 || len(value) == 0 || len(value) > 18 {
			return false, false
		}
		var n int64
		for _, c := range value {
			if c < '0' || c > '9' {
				return false, false
			}
			n = n*10 + int64(c-'0')
		}
		r.contentLength = n
		return true, true
	case eqFold(name, "transfer-encoding"):
		if r.chunked || !eqFold(value, "chunked") {
			return false, false
		}
		r.chunked = true
		return true, true
	case eqFold(name, "connection"):
		for len(value) > 0 {
			tok := value
			if i := bytes.IndexByte(value, ','); i >= 0 {
				tok, value = value[:i], value[i+1:]
			} else {
				value = nil
			}
			tok = trimOWS(tok)
			switch {
			case len(tok) == 0:
			case eqFold(tok, "close"):
				r.close = true
			case eqFold(tok, "keep-alive"):
			default:
				if r.nconn == len(r.conn) {
					return false, false
				}
				r.conn[r.nconn] = tok
				r.nconn++
			}
		}
		return false, true
	case eqFold(name, "keep-alive"), eqFold(name, "proxy-connection"), eqFold(name, "te"),
		eqFold(name, "upgrade"), eqFold(name, "proxy-authenticate"), eqFold(name, "proxy-authorization"):
		return false, true
	}
	return true, true
}

// headerName returns the name of a header line.
func headerName(line []byte) []byte {
	if i := bytes.IndexByte(line, ':'); i > 0 {
		return line[:i]
	}
	return nil
}

// connListed reports whether name is among the Connection tokens.
func (r *respHead) connListed(name []byte) bool {
	for _, t := range r.conn[:r.nconn] {
		if bytes.EqualFold(t, name) {
			return true
		}
	}
	return false
}

// parseChunkSize parses a chunk-size line (without CRLF): hex size, then
// optional chunk extensions.
func parseChunkSize(line []byte) (int64, bool) {
	var n int64
	i := 0
	for ; i < len(line) && isHex(line[i]); i++ {
		if i >= 15 {
			return 0, false
		}
		c := line[i]
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		n = n<<4 | int64(c)
	}
	if i == 0 {
		return 0, false
	}
	rest := trimOWS(line[i:])
	if len(rest) > 0 && (rest[0] != ';' || !validValue(rest)) {
		return 0, false
	}
	return n, true
}
