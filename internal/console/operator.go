package console

import (
	"context"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/trustedpods/tpod/internal/amount"
	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/provider"
)

// Operator is the provider operator's view (tpod console --operator): the
// daemon's status endpoint (tpod provider status) and the chain.
type Operator struct {
	// Account is the provider's account.
	Account common.Address
	Payment *chain.Payment
	// Status reads the daemon's status endpoint; nil when none is known.
	Status func(ctx context.Context) (*provider.Status, error)
	// LowRunway is the runway under which a pod raises an alert (10 min).
	LowRunway time.Duration
}

// OperatorView is the operator page.
type OperatorView struct {
	Account string           `json:"account"`
	Status  *provider.Status `json:"status,omitempty"`
	// StatusError says why the status endpoint could not be read.
	StatusError string             `json:"statusError,omitempty"`
	Pods        []OperatorPod      `json:"pods"`
	Earnings    []OperatorEarnings `json:"earnings"`
	Claims      []ClaimTx          `json:"claims"`
	Alerts      []string           `json:"alerts"`
}

// OperatorPod is a pod with its amounts formatted.
type OperatorPod struct {
	provider.PodStatus
	Earns  string `json:"earns"`
	Runway string `json:"runway"`
}

// OperatorEarnings is one token's earnings and their history: Time and
// Earned (cumulative, in whole tokens) are a chart's series.
type OperatorEarnings struct {
	Token     Token     `json:"token"`
	Owed      string    `json:"owed"`
	Collected string    `json:"collected"`
	Held      string    `json:"held"`
	Channels  int       `json:"channels"`
	Time      []uint64  `json:"time"`
	Earned    []float64 `json:"earned"`
}

// ClaimTx is one claim transaction the provider sent and what it cost.
type ClaimTx struct {
	Tx       string `json:"tx"`
	Block    uint64 `json:"block"`
	Time     uint64 `json:"time"`
	Receipts int    `json:"receipts"`
	Skipped  int    `json:"skipped"`
	GasUsed  uint64 `json:"gasUsed"`
	Fee      string `json:"fee"`
}

// maxClaimTxs bounds the claim transactions shown (the latest).
const maxClaimTxs = 50

func (s *Server) operator(r *http.Request) (any, error) {
	op := s.cfg.Operator
	if op == nil {
		return nil, fmt.Errorf("not an operator console (tpod console --operator): %w", errBadRequest)
	}
	ctx := r.Context()
	v := &OperatorView{Account: op.Account.Hex(), Pods: []OperatorPod{}, Earnings: []OperatorEarnings{}, Claims: []ClaimTx{}, Alerts: []string{}}
	lowRunway := op.LowRunway
	if lowRunway == 0 {
		lowRunway = 10 * time.Minute
	}
	if op.Status != nil {
		st, err := op.Status(ctx)
		if err != nil {
			v.StatusError = err.Error()
			v.Alerts = append(v.Alerts, "status endpoint: "+err.Error())
		} else {
			v.Status = st
			s.operatorPods(ctx, v, st, lowRunway)
		}
	}
	refs, err := op.Payment.ChannelsOf(ctx, nil, &op.Account)
	if err != nil {
		return nil, err
	}
	tokenOf := map[[32]byte]common.Address{}
	ids := make([][32]byte, len(refs))
	for i, ref := range refs {
		ids[i], tokenOf[ref.ID] = ref.ID, ref.Token
	}
	es, err := op.Payment.ProviderEarnings(ctx, op.Account)
	if err != nil {
		return nil, err
	}
	pts, err := op.Payment.ClaimHistory(ctx, ids, 0, 0)
	if err != nil {
		return nil, err
	}
	// Earnings over time: what accepted receipts paid, per token,
	// cumulative, by receipt time.
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Time < pts[j].Time })
	for _, e := range es {
		tok, t := s.token(ctx, e.Token.Hex())
		oe := OperatorEarnings{Token: t, Owed: amount.Format(e.Owed, tok), Collected: amount.Format(e.Collected, tok), Held: amount.Format(e.Held, tok),
			Channels: e.Channels, Time: []uint64{}, Earned: []float64{}}
		total := new(big.Int)
		for _, pt := range pts {
			if pt.Skipped != chain.NotSkipped || pt.Paid.Sign() == 0 || tokenOf[pt.Channel] != e.Token {
				continue
			}
			total.Add(total, pt.Paid)
			oe.Time = append(oe.Time, pt.Time)
			oe.Earned = append(oe.Earned, wholeTokens(total, tok))
		}
		v.Earnings = append(v.Earnings, oe)
	}
	// Claim transactions, the latest first, with their gas.
	byTx := map[common.Hash]*ClaimTx{}
	var order []common.Hash
	for _, pt := range pts {
		c := byTx[pt.Tx]
		if c == nil {
			c = &ClaimTx{Tx: pt.Tx.Hex(), Block: pt.Block}
			byTx[pt.Tx] = c
			order = append(order, pt.Tx)
		}
		if pt.Skipped != chain.NotSkipped {
			c.Skipped++
		} else {
			c.Receipts++
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return byTx[order[i]].Block > byTx[order[j]].Block })
	if len(order) > maxClaimTxs {
		order = order[:maxClaimTxs]
	}
	costs, err := op.Payment.Client().TxCosts(ctx, order)
	if err != nil {
		return nil, err
	}
	for _, c := range costs {
		ct := byTx[c.Tx]
		ct.GasUsed, ct.Time, ct.Fee = c.GasUsed, c.Time, amount.Format(c.Fee, s.cfg.Native)
		if ct.Skipped > 0 {
			v.Alerts = append(v.Alerts, fmt.Sprintf("claim transaction %s had %d receipt(s) skipped", shortHex(ct.Tx), ct.Skipped))
		}
	}
	for _, h := range order {
		v.Claims = append(v.Claims, *byTx[h])
	}
	return v, nil
}

// operatorPods formats the pods and raises their alerts.
func (s *Server) operatorPods(ctx context.Context, v *OperatorView, st *provider.Status, lowRunway time.Duration) {
	for _, pd := range st.Pods {
		tok, _ := s.token(ctx, pd.Token)
		op := OperatorPod{PodStatus: pd, Runway: "-"}
		if rate, ok := new(big.Int).SetString(pd.RatePerSecond, 10); ok {
			op.Earns = amount.PerHour(rate, tok)
		}
		if pd.RunwaySeconds >= 0 {
			op.Runway = amount.Seconds(pd.RunwaySeconds)
			if time.Duration(pd.RunwaySeconds)*time.Second < lowRunway {
				v.Alerts = append(v.Alerts, fmt.Sprintf("pod %s: runway %s", pd.Deployment, op.Runway))
			}
		}
		if pd.Unfunded {
			v.Alerts = append(v.Alerts, fmt.Sprintf("pod %s: its channel cannot pay for it", pd.Deployment))
		}
		for _, w := range pd.Warnings {
			v.Alerts = append(v.Alerts, fmt.Sprintf("pod %s: %s", pd.Deployment, w))
		}
		v.Pods = append(v.Pods, op)
	}
	if c := st.Capacity.CPUMilli; c > 0 && st.Free.CPUMilli*10 < c {
		v.Alerts = append(v.Alerts, fmt.Sprintf("CPU almost full: %dm of %dm free", st.Free.CPUMilli, c))
	}
	if c := st.Capacity.MemoryMiB; c > 0 && st.Free.MemoryMiB*10 < c {
		v.Alerts = append(v.Alerts, fmt.Sprintf("memory almost full: %d of %d MiB free", st.Free.MemoryMiB, c))
	}
}

// wholeTokens converts base units to a float of whole tokens, for charts.
func wholeTokens(v *big.Int, tok amount.Token) float64 {
	f, _ := new(big.Float).Quo(new(big.Float).SetInt(v), new(big.Float).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(tok.Decimals)), nil))).Float64()
	return f
}

func shortHex(h string) string {
	if len(h) > 14 {
		return h[:10] + "…" + h[len(h)-4:]
	}
	return h
}
