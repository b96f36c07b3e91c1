// Package console is tpod console: a local web page over the publisher
// library (internal/publisher), the same calls the CLI makes, with live
// updates over server-sent events (docs/console.md).
package console

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/manifest"
	"github.com/trustedpods/tpod/internal/p2p"
	"github.com/trustedpods/tpod/internal/publisher"
	"github.com/trustedpods/tpod/internal/usage"
)

//go:embed static
var staticFS embed.FS

// Config configures a Server.
type Config struct {
	// Publisher acts for the user's wallet; every page reads through it.
	Publisher *publisher.Publisher
	// Token, when set, is required of every request (a remote console).
	Token string
	// Poll is how often live updates re-read the deployments (3 s).
	Poll time.Duration
	// Native is the chain's native currency, for gas fees (ETH, 18).
	Native amount.Token
	// Totals reads a manifest file's resource totals (the CLI's reader),
	// for ranking providers; nil: providers are not ranked.
	Totals func(path string) (*manifest.Totals, error)
	// Operator, when set, serves the provider operator's page.
	Operator *Operator
	Logger   *slog.Logger
}

// Server serves the console.
type Server struct {
	cfg    Config
	csrf   string
	static http.Handler
	index  *template.Template
	log    *slog.Logger
	hub    hub
	// ctx outlives requests: a deploy goes on when its page is closed.
	ctx context.Context
}

// New returns a Server; ctx bounds the deploys it starts.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Publisher == nil {
		return nil, errors.New("console: a publisher is required")
	}
	if cfg.Poll == 0 {
		cfg.Poll = 3 * time.Second
	}
	if cfg.Native.Symbol == "" {
		cfg.Native = amount.Token{Symbol: "ETH", Decimals: 18}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	csrf, err := newSecret()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	idx, err := parseIndex()
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, csrf: csrf, static: http.FileServerFS(sub), index: idx, log: cfg.Logger, ctx: ctx}, nil
}

func parseIndex() (*template.Template, error) {
	return template.ParseFS(staticFS, "static/index.html")
}

// Progress forwards a publisher progress event to the open pages.
func (s *Server) Progress(e publisher.Event) { s.hub.publish("progress", progressOf(e)) }

// Handler returns the console's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveIndex)
	mux.Handle("GET /static/", http.StripPrefix("/static/", s.static))
	mux.HandleFunc("GET /api/deployments", s.api(s.listDeployments))
	mux.HandleFunc("GET /api/deployments/{id}", s.api(s.deployment))
	mux.HandleFunc("GET /api/deployments/{id}/events", s.api(s.events))
	mux.HandleFunc("GET /api/deployments/{id}/spending", s.api(s.spending))
	mux.HandleFunc("GET /api/deployments/{id}/logs", s.logs)
	mux.HandleFunc("GET /api/deployments/{id}/tls", s.api(s.tls))
	mux.HandleFunc("GET /api/live", s.live)
	mux.HandleFunc("GET /api/providers", s.api(s.providers))
	mux.HandleFunc("GET /api/attestation", s.api(s.attestation))
	mux.HandleFunc("GET /api/operator", s.api(s.operator))
	mux.HandleFunc("POST /api/deployments/{id}/estimate", s.api(s.estimate))
	mux.HandleFunc("POST /api/deployments/{id}/{action}", s.api(s.act))
	mux.HandleFunc("POST /api/deploy", s.api(s.deploy))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		err := s.checkHost(r)
		if err == nil {
			err = s.checkToken(w, r)
		}
		if err == nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
			err = s.checkSameOrigin(r)
		}
		if err != nil {
			s.log.Warn("console: request refused", "method", r.Method, "path", r.URL.Path, "err", err)
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		mux.ServeHTTP(w, r)
	})
}

// Serve serves on l until ctx ends.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	srv := &http.Server{
		Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		// Streams lift their own write deadline; everything else answers in
		// well under this.
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		srv.Close()
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.index.Execute(w, struct {
		CSRF     string
		Operator bool
	}{s.csrf, s.cfg.Operator != nil}); err != nil {
		s.log.Warn("console: index", "err", err)
	}
}

// apiError is an API failure: {"error": "..."}.
type apiError struct {
	Error string `json:"error"`
}

// api adapts a handler returning a value or an error to JSON.
func (s *Server) api(fn func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := fn(r)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			code := http.StatusInternalServerError
			switch {
			case errors.Is(err, publisher.ErrNotFound):
				code = http.StatusNotFound
			case errors.Is(err, publisher.ErrInvalid), errors.Is(err, errBadRequest):
				code = http.StatusBadRequest
			case errors.Is(err, publisher.ErrFunds):
				code = http.StatusPaymentRequired
			}
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(apiError{err.Error()})
			return
		}
		json.NewEncoder(w).Encode(v)
	}
}

var errBadRequest = errors.New("bad request")

// Deployment is a deployment as the pages show it: the record's facts,
// what is true now, and its funds with amounts formatted in the token.
type Deployment struct {
	ID        string               `json:"id"`
	Name      string               `json:"name"`
	State     string               `json:"state"`
	Step      string               `json:"step"`
	Detail    string               `json:"detail,omitempty"`
	Provider  string               `json:"provider"`
	TEE       string               `json:"tee,omitempty"`
	Channel   string               `json:"channel,omitempty"`
	Created   time.Time            `json:"created"`
	Endpoints []publisher.Endpoint `json:"endpoints,omitempty"`
	Funds     *Funds               `json:"funds,omitempty"`
}

// Funds is a channel's money, formatted.
type Funds struct {
	Status    string `json:"status"`
	Token     Token  `json:"token"`
	Balance   string `json:"balance"`
	Deposited string `json:"deposited"`
	Spent     string `json:"spent"`
	Burn      string `json:"burn"`
	Runway    string `json:"runway"`
	// RunwaySeconds is -1 when unbounded.
	RunwaySeconds int64            `json:"runwaySeconds"`
	Unlock        string           `json:"unlock,omitempty"`
	UnlockAt      uint64           `json:"unlockAt,omitempty"`
	Usage         string           `json:"usage"`
	Raw           *publisher.Funds `json:"raw"`
}

// Token is a token's address, symbol and decimals.
type Token struct {
	Address  string `json:"address"`
	Symbol   string `json:"symbol"`
	Decimals uint8  `json:"decimals"`
}

func (s *Server) token(ctx context.Context, addr string) (amount.Token, Token) {
	tok := s.cfg.Publisher.TokenInfo(ctx, common.HexToAddress(addr))
	return tok, Token{Address: addr, Symbol: tok.Symbol, Decimals: tok.Decimals}
}

func (s *Server) funds(ctx context.Context, f *publisher.Funds) *Funds {
	tok, t := s.token(ctx, f.Token)
	out := &Funds{Status: f.Status, Token: t, Balance: amount.FormatString(f.Balance, tok), Deposited: amount.FormatString(f.Deposited, tok),
		Spent: amount.FormatString(f.Spent, tok), RunwaySeconds: f.RunwaySeconds, Runway: "unbounded (nothing is billed now)",
		Usage: f.Usage.Describe(), UnlockAt: f.UnlockAt, Raw: f}
	if burn, ok := new(big.Int).SetString(f.BurnPerSecond, 10); ok {
		out.Burn = amount.PerHour(burn, tok)
	}
	if run, ok := f.Runway(); ok {
		out.Runway = amount.Duration(run)
	}
	switch {
	case f.UnlockAll:
		out.Unlock = "everything (closing)"
	case f.UnlockAmount != "" && f.UnlockAmount != "0":
		out.Unlock = amount.FormatString(f.UnlockAmount, tok)
	}
	return out
}

// entries reads every record, checked against the chain and the provider.
func (s *Server) entries(ctx context.Context) ([]Deployment, error) {
	p := s.cfg.Publisher
	recs, _, err := p.List()
	if err != nil {
		return nil, err
	}
	out := []Deployment{}
	for _, e := range p.Reconcile(ctx, recs) {
		d := Deployment{ID: e.ID, Name: e.Name, State: e.State, Step: e.Step, Detail: e.Detail, Provider: e.Provider.Address.Hex(),
			TEE: e.TEE, Channel: e.ChannelID.String(), Created: e.CreatedAt}
		if e.Step == publisher.StepProvisioned {
			d.Endpoints = e.Endpoints
		}
		if e.ChannelStatus != "" && e.ChannelStatus != "none" && e.State != "stale" {
			if f, err := p.Funds(ctx, e.ID); err == nil {
				d.Funds = s.funds(ctx, f)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func (s *Server) listDeployments(r *http.Request) (any, error) { return s.entries(r.Context()) }

// PodView is one deployment's page: its status at the provider and funds.
type PodView struct {
	*publisher.PodStatus
	Funds *Funds `json:"funds,omitempty"`
}

func (s *Server) deployment(r *http.Request) (any, error) {
	st, err := s.cfg.Publisher.Status(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	v := &PodView{PodStatus: st}
	if st.Funds != nil {
		v.Funds = s.funds(r.Context(), st.Funds)
	}
	return v, nil
}

// TLSResult is the attested TLS check of a pod's HTTPS endpoint (tpod pod
// verify-tls): Passed, or not applicable (no HTTPS endpoint), or failed.
type TLSResult struct {
	Passed     bool   `json:"passed"`
	Applicable bool   `json:"applicable"`
	Message    string `json:"message"`
}

func (s *Server) tls(r *http.Request) (any, error) {
	tc, err := s.cfg.Publisher.VerifyTLS(r.Context(), r.PathValue("id"), publisher.TLSCheckOptions{Timeout: 5 * time.Second})
	switch {
	case err == nil:
		return TLSResult{Passed: true, Applicable: true, Message: fmt.Sprintf("%s holds the attested enclave's key (%s evidence, %s)", tc.URL, tc.Evidence, tc.TLSVersion)}, nil
	case errors.Is(err, publisher.ErrNoHTTPSEndpoint), errors.Is(err, publisher.ErrNoBinding):
		return TLSResult{Message: err.Error()}, nil
	case errors.Is(err, publisher.ErrNotFound), errors.Is(err, publisher.ErrInvalid):
		return nil, err
	}
	return TLSResult{Applicable: true, Message: err.Error()}, nil
}

func (s *Server) events(r *http.Request) (any, error) {
	evs, err := s.cfg.Publisher.Events(r.Context(), r.PathValue("id"))
	if evs == nil && err == nil {
		evs = []publisher.PodEvent{}
	}
	return evs, err
}

// Spending is a deployment's spend and usage over time, for the charts:
// Spent is in whole tokens (a float: charts need numbers, not exact sums).
type Spending struct {
	Token    Token                  `json:"token"`
	Counters []Counter              `json:"counters"`
	Time     []uint64               `json:"time"`
	Spent    []float64              `json:"spent"`
	Usage    [][]uint64             `json:"usage"` // per counter, per point
	Points   []publisher.SpendPoint `json:"points"`
}

// Counter names a usage counter.
type Counter struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
}

func (s *Server) spending(r *http.Request) (any, error) {
	ctx := r.Context()
	p := s.cfg.Publisher
	id := r.PathValue("id")
	pts, err := p.Spending(ctx, id)
	if err != nil {
		return nil, err
	}
	tokAddr, err := p.TokenOf(ctx, id)
	if err != nil {
		return nil, err
	}
	tok, t := s.token(ctx, tokAddr.Hex())
	out := &Spending{Token: t, Points: pts, Time: []uint64{}, Spent: []float64{}, Usage: make([][]uint64, usage.Len)}
	for i := range usage.Len {
		out.Counters = append(out.Counters, Counter{Name: usage.Names[i], Label: usage.Labels[i], Unit: usage.Units[i]})
		out.Usage[i] = []uint64{}
	}
	for _, pt := range pts {
		out.Time = append(out.Time, pt.Time)
		v, _ := new(big.Int).SetString(pt.Spent, 10)
		out.Spent = append(out.Spent, wholeTokens(v, tok))
		for i := range usage.Len {
			out.Usage[i] = append(out.Usage[i], pt.Usage[i])
		}
	}
	return out, nil
}

// Offer is a provider's pricing table as the providers page shows it.
type Offer struct {
	Provider string `json:"provider"`
	Active   bool   `json:"active"`
	TEE      string `json:"tee"`
	Region   string `json:"region"`
	Token    Token  `json:"token"`
	// Hourly is the manifest's estimated cost per hour ("" without one).
	Hourly   string   `json:"hourly,omitempty"`
	Fits     bool     `json:"fits"`
	Capacity string   `json:"capacity"`
	Prices   []string `json:"prices"`
	Dispute  string   `json:"minDispute"`
}

// providers lists the Registry's providers (tpod providers list), ranked
// by what the manifest named by ?manifest= would cost.
func (s *Server) providers(r *http.Request) (any, error) {
	ctx := r.Context()
	var totals *manifest.Totals
	if m := strings.TrimSpace(r.URL.Query().Get("manifest")); m != "" && s.cfg.Totals != nil {
		t, err := s.cfg.Totals(m)
		if err != nil {
			return nil, fmt.Errorf("manifest: %w: %w", err, errBadRequest)
		}
		totals = t
	}
	offers, err := s.cfg.Publisher.Providers(ctx, publisher.Filter{}, totals)
	if err != nil {
		return nil, err
	}
	out := []Offer{}
	for _, o := range offers {
		tok, t := s.token(ctx, o.Token.Hex())
		v := Offer{Provider: o.Provider.Hex(), Active: o.Active, TEE: o.TEE, Region: o.Region, Token: t, Fits: o.Fits,
			Capacity: fmt.Sprintf("%d millicores, %d MiB memory, %d MiB storage", o.Capacity.CPUMilli, o.Capacity.MemoryMiB, o.Capacity.StorageMiB),
			Dispute:  amount.Duration(o.MinDisputePeriod)}
		if o.Hourly != nil {
			v.Hourly = amount.Format(o.Hourly, tok) + "/h"
		}
		for i, pr := range o.Prices {
			if pr != nil && pr.Sign() > 0 {
				v.Prices = append(v.Prices, fmt.Sprintf("%s %s per %s", usage.Labels[i], amount.Format(pr, tok), usage.Units[i]))
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// attestation checks ?provider='s evidence now, as a deploy would
// (?insecure=1 accepts simulated evidence).
func (s *Server) attestation(r *http.Request) (any, error) {
	q := r.URL.Query()
	pv := strings.TrimSpace(q.Get("provider"))
	if !common.IsHexAddress(pv) {
		return nil, fmt.Errorf("provider %q: want an address: %w", pv, errBadRequest)
	}
	return s.cfg.Publisher.CheckAttestation(r.Context(), common.HexToAddress(pv), "", q.Get("insecure") == "1")
}

// actionRequest is the body of an action or its estimate.
type actionRequest struct {
	Action string `json:"action"`
	Amount string `json:"amount"`
}

func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q, want application/json: %w", ct, errBadRequest)
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return fmt.Errorf("request body: %w: %w", err, errBadRequest)
	}
	return nil
}

// amountOf parses an amount in the deployment's token (5TPT or base units).
func (s *Server) amountOf(ctx context.Context, id, v string) (*big.Int, amount.Token, error) {
	q, err := amount.ParseQuantity(strings.TrimSpace(v))
	if err != nil {
		return nil, amount.Token{}, fmt.Errorf("amount: %w: %w", err, errBadRequest)
	}
	addr, err := s.cfg.Publisher.TokenOf(ctx, id)
	if err != nil {
		return nil, amount.Token{}, err
	}
	tok := s.cfg.Publisher.TokenInfo(ctx, addr)
	n, err := q.Resolve(tok)
	if err != nil {
		return nil, tok, fmt.Errorf("amount: %w: %w", err, errBadRequest)
	}
	if n.Sign() <= 0 {
		return nil, tok, fmt.Errorf("amount must be positive: %w", errBadRequest)
	}
	return n, tok, nil
}

// needsAmount are the actions that take an amount.
var needsAmount = map[string]bool{"deposit": true, "unlock": true}

// Estimate is what the confirm dialog states: the action, its amount in
// the token, and its expected and highest gas fee.
type Estimate struct {
	Action string `json:"action"`
	Amount string `json:"amount,omitempty"`
	Fee    string `json:"fee"`
	MaxFee string `json:"maxFee"`
	Note   string `json:"note,omitempty"`
}

func (s *Server) estimate(r *http.Request) (any, error) {
	var req actionRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx, id := r.Context(), r.PathValue("id")
	var n *big.Int
	out := &Estimate{Action: req.Action}
	if needsAmount[req.Action] {
		var tok amount.Token
		var err error
		if n, tok, err = s.amountOf(ctx, id, req.Amount); err != nil {
			return nil, err
		}
		out.Amount = amount.Format(n, tok)
	}
	fee, err := s.cfg.Publisher.EstimateFee(ctx, id, req.Action, n)
	if err != nil {
		return nil, err
	}
	out.Fee = amount.FormatString(fee.Fee, s.cfg.Native)
	out.MaxFee = amount.FormatString(fee.MaxFee, s.cfg.Native)
	out.Note = fee.Note
	return out, nil
}

func (s *Server) act(r *http.Request) (any, error) {
	var req actionRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ctx, id, action := r.Context(), r.PathValue("id"), r.PathValue("action")
	p := s.cfg.Publisher
	var n *big.Int
	if needsAmount[action] {
		var err error
		if n, _, err = s.amountOf(ctx, id, req.Amount); err != nil {
			return nil, err
		}
	}
	var out any
	var err error
	switch action {
	case "deposit":
		out, err = p.Deposit(ctx, id, n)
	case "unlock":
		out, err = p.Unlock(ctx, id, n)
	case "withdraw":
		out, err = p.Withdraw(ctx, id)
	case "delete":
		out, err = p.Delete(ctx, id, false)
	default:
		return nil, fmt.Errorf("no such action %q: %w", action, errBadRequest)
	}
	if err == nil {
		s.hub.publish("changed", map[string]string{"id": id, "action": action})
	}
	return out, err
}

// deployRequest is the deploy form.
type deployRequest struct {
	Manifest string `json:"manifest"`
	// Images are REF=PATH lines.
	Images            string `json:"images"`
	Funds             string `json:"funds"`
	Provider          string `json:"provider"`
	InsecureSimulated bool   `json:"insecureSimulated"`
}

// deployStarted answers the form: the deploy goes on in the background,
// its progress and outcome arrive as live events.
type deployStarted struct {
	Started bool `json:"started"`
}

func (s *Server) deploy(r *http.Request) (any, error) {
	var req deployRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Manifest) == "" {
		return nil, fmt.Errorf("a manifest file is required: %w", errBadRequest)
	}
	dr := publisher.DeployRequest{Manifest: strings.TrimSpace(req.Manifest), InsecureSimulated: req.InsecureSimulated}
	if req.Funds != "" {
		q, err := amount.ParseQuantity(strings.TrimSpace(req.Funds))
		if err != nil {
			return nil, fmt.Errorf("funds: %w: %w", err, errBadRequest)
		}
		dr.Funds = q
	}
	if pv := strings.TrimSpace(req.Provider); pv != "" && pv != "auto" {
		if !common.IsHexAddress(pv) {
			return nil, fmt.Errorf("provider %q: want an address or auto: %w", pv, errBadRequest)
		}
		dr.Provider = common.HexToAddress(pv)
	}
	for _, line := range strings.Split(req.Images, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		ref, path, ok := strings.Cut(line, "=")
		if !ok || ref == "" || path == "" {
			return nil, fmt.Errorf("image %q: want REF=PATH: %w", line, errBadRequest)
		}
		if dr.Images == nil {
			dr.Images = map[string]string{}
		}
		dr.Images[ref] = path
	}
	go func() {
		rec, err := s.cfg.Publisher.Deploy(s.ctx, dr)
		ev := map[string]string{}
		if rec != nil {
			ev["id"], ev["step"] = rec.ID, rec.Step
		}
		if err != nil {
			ev["error"] = err.Error()
			s.hub.publish("deploy-failed", ev)
			return
		}
		s.hub.publish("deployed", ev)
	}()
	return deployStarted{true}, nil
}

// progress is a publisher event as the page shows it.
type progress struct {
	Deployment string `json:"deployment"`
	Step       string `json:"step"`
	Message    string `json:"message"`
	Done       bool   `json:"done"`
}

func progressOf(e publisher.Event) progress {
	msg := e.Message
	if e.Waiting > 0 {
		msg = fmt.Sprintf("still %s (%s)", e.Message, amount.Duration(e.Waiting.Round(time.Second)))
	}
	return progress{Deployment: e.Deployment, Step: e.Step, Message: msg, Done: e.Done}
}

// sse prepares a server-sent event stream: no write deadline, no caching.
func sse(w http.ResponseWriter) (*http.ResponseController, bool) {
	rc := http.NewResponseController(w)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return nil, false
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return rc, true
}

// send writes one event; data is JSON, so it holds no newline.
func send(w http.ResponseWriter, rc *http.ResponseController, event string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
		return err
	}
	return rc.Flush()
}

// live streams the deployments every Poll and whatever the hub publishes
// (deploy progress, actions done).
func (s *Server) live(w http.ResponseWriter, r *http.Request) {
	rc, ok := sse(w)
	if !ok {
		return
	}
	ctx := r.Context()
	ch := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	tick := time.NewTicker(s.cfg.Poll)
	defer tick.Stop()
	refresh := func() error {
		ds, err := s.entries(ctx)
		if err != nil {
			return send(w, rc, "failure", apiError{err.Error()})
		}
		return send(w, rc, "deployments", ds)
	}
	if refresh() != nil {
		return
	}
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			err = refresh()
		case m := <-ch:
			err = send(w, rc, m.event, m.data)
		}
		if err != nil {
			return
		}
	}
}

// logs streams a pod's log lines, following them, as "line" events. It
// asks for the whole log: a provider keeps a tail until the stream ends,
// which a follow does not (the page keeps the last lines).
func (s *Server) logs(w http.ResponseWriter, r *http.Request) {
	rc, ok := sse(w)
	if !ok {
		return
	}
	err := s.cfg.Publisher.Logs(r.Context(), r.PathValue("id"), p2p.LogOptions{Follow: true}, func(l publisher.LogLine) error {
		return send(w, rc, "line", l)
	})
	switch {
	case r.Context().Err() != nil:
	case err != nil:
		send(w, rc, "failure", apiError{err.Error()})
	default:
		send(w, rc, "end", struct{}{}) // the page stops: a reconnect would repeat the lines
	}
}

// hub fans events out to the open live streams; a slow page misses some.
type hub struct {
	mu   sync.Mutex
	subs map[chan message]bool
}

type message struct {
	event string
	data  any
}

func (h *hub) subscribe() chan message {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[chan message]bool{}
	}
	ch := make(chan message, 64)
	h.subs[ch] = true
	return ch
}

func (h *hub) unsubscribe(ch chan message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
}

func (h *hub) publish(event string, data any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- message{event, data}:
		default:
		}
	}
}
