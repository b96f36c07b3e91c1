package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/spf13/cobra"

	"github.com/trustedpods/tpod/internal/chain"
	"github.com/trustedpods/tpod/internal/payment"
	"github.com/trustedpods/tpod/internal/usage"
)

// receiptFile is the JSON form of a signed usage receipt (docs/chain.md).
type receiptFile struct {
	ChainID   uint64         `json:"chainId"`
	Payment   common.Address `json:"payment"`
	ChannelID hexutil.Bytes  `json:"channelId"`
	Seq       uint64         `json:"seq"`
	Time      uint64         `json:"time"`
	Usage     usage.Vector   `json:"usage"`
	Signer    common.Address `json:"signer"`
	Signature hexutil.Bytes  `json:"signature"`
}

// maxReceiptFile caps what is read of a receipt file.
const maxReceiptFile = 64 << 10

// parseReceiptFile decodes and checks a receipt file: sizes, and that the
// signature recovers to the signer it names. It does not check that the
// signer is the channel's enclave key: the contract does.
func parseReceiptFile(data []byte) (*receiptFile, payment.Receipt, error) {
	var rf receiptFile
	if len(data) > maxReceiptFile {
		return nil, payment.Receipt{}, errors.New("receipt file too large")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rf); err != nil {
		return nil, payment.Receipt{}, fmt.Errorf("not a receipt file: %w", err)
	}
	if len(rf.ChannelID) != 32 {
		return nil, payment.Receipt{}, fmt.Errorf("channelId: want 32 bytes, got %d", len(rf.ChannelID))
	}
	if len(rf.Signature) != 65 {
		return nil, payment.Receipt{}, fmt.Errorf("signature: want 65 bytes, got %d", len(rf.Signature))
	}
	r := payment.Receipt{ChannelID: [32]byte(rf.ChannelID), Seq: rf.Seq, Time: rf.Time, Usage: rf.Usage}
	d := payment.Domain{ChainID: new(big.Int).SetUint64(rf.ChainID), Contract: rf.Payment}
	who, err := payment.RecoverReceiptSigner(d, r, rf.Signature)
	if err != nil {
		return nil, payment.Receipt{}, fmt.Errorf("signature: %w", err)
	}
	if who != rf.Signer {
		return nil, payment.Receipt{}, fmt.Errorf("signature is by %s, not the signer %s the file names", who.Hex(), rf.Signer.Hex())
	}
	return &rf, r, nil
}

func readReceiptFile(path string) (*receiptFile, payment.Receipt, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, payment.Receipt{}, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxReceiptFile+1))
	if err != nil {
		return nil, payment.Receipt{}, err
	}
	rf, r, err := parseReceiptFile(data)
	if err != nil {
		return nil, r, fmt.Errorf("%s: %w", path, err)
	}
	return rf, r, nil
}

func parseUsage(s string) (usage.Vector, error) {
	var v usage.Vector
	parts := strings.Split(s, ",")
	if len(parts) > usage.Len {
		return v, fmt.Errorf("at most %d counters (%s)", usage.Len, strings.Join(usage.Names[:], ","))
	}
	for i, p := range parts {
		if strings.TrimSpace(p) == "" {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(p), 10, 64)
		if err != nil {
			return v, fmt.Errorf("counter %d (%s): %q is not a non-negative integer", i, usage.Names[i], p)
		}
		v[i] = n
	}
	return v, nil
}

func newReceiptCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt",
		Short: "Usage receipts (development tools)",
	}
	cmd.AddCommand(newReceiptSignCmd(g), newReceiptVerifyCmd(g))
	return cmd
}

func newReceiptSignCmd(g *globals) *cobra.Command {
	var f chainFlags
	var channel, usageStr, timeStr, out string
	var seq uint64
	cmd := &cobra.Command{
		Use:   "sign",
		Short: "Sign a usage receipt with a dev enclave key (a development stand-in for the enclave)",
		Long: `Signs an EIP-712 usage receipt the way a pod's enclave does, but with a key
from a file (--key-file, or --account enclave of a devnet file). This is a
development tool: in production only the enclave holds its signing key.

--usage lists the cumulative counters in the usage vector's order
(cpu, memory, storage, gpu, cpu-used, memory-used, egress); missing ones are 0.
--time is unix seconds, "now", or "auto" (the default: the latest of the
wall clock, the chain head's time and one second after the channel's last
accepted receipt; 'channel claim' waits for the chain's clock to catch up).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := parseBytes32("--channel", channel)
			if err != nil {
				return err
			}
			u, err := parseUsage(usageStr)
			if err != nil {
				return usagef("--usage: %v", err)
			}
			if seq == 0 {
				return usagef("--seq must be at least 1")
			}
			if f.account == "" && f.keyFile == "" && f.keystore == "" && os.Getenv("TPOD_PRIVATE_KEY") == "" {
				f.account = "enclave"
			}
			w, err := f.wallet()
			if err != nil {
				return err
			}
			payAddr, err := f.contract("payment")
			if err != nil {
				return err
			}
			c, err := f.dial(cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			var t uint64
			switch timeStr {
			case "now":
				t = uint64(time.Now().Unix())
			case "auto", "":
				head, err := c.HeaderByNumber(cmd.Context(), nil)
				if err != nil {
					return err
				}
				t = max(uint64(time.Now().Unix()), head.Time)
				// Later than the channel's last accepted receipt (or its start).
				if st, err := chain.NewPayment(c, payAddr).State(cmd.Context(), id); err == nil {
					t = max(t, st.Last.Time+1)
				}
			default:
				if t, err = strconv.ParseUint(timeStr, 10, 64); err != nil {
					return usagef("--time: %q is not unix seconds, now or auto", timeStr)
				}
			}
			r := payment.Receipt{ChannelID: id, Seq: seq, Time: t, Usage: u}
			d := payment.Domain{ChainID: c.ChainID(), Contract: payAddr}
			sig, err := payment.SignReceipt(w, d, r)
			if err != nil {
				return fmt.Errorf("sign receipt: %w", err)
			}
			rf := receiptFile{ChainID: c.ChainID().Uint64(), Payment: payAddr, ChannelID: id[:], Seq: seq, Time: t, Usage: u, Signer: w.Address(), Signature: sig}
			fmt.Fprintf(cmd.ErrOrStderr(), "receipt %d signed by dev enclave key %s (development tool)\n", seq, w.Address().Hex())
			if out == "" {
				return writeJSON(cmd.OutOrStdout(), rf)
			}
			fh, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
			if err != nil {
				return fmt.Errorf("write receipt: %w", err)
			}
			if err := writeJSON(fh, rf); err != nil {
				fh.Close()
				return fmt.Errorf("write receipt: %w", err)
			}
			return fh.Close()
		},
	}
	f.register(g, cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&channel, "channel", "", "channel ID (0x + 64 hex digits)")
	fl.Uint64Var(&seq, "seq", 0, "receipt sequence number, increasing from 1")
	fl.StringVar(&timeStr, "time", "auto", "receipt time: unix seconds, now or auto")
	fl.StringVar(&usageStr, "usage", "", "cumulative usage counters, comma separated")
	fl.StringVar(&out, "out", "", "write the receipt JSON here (default: stdout)")
	return cmd
}

func newReceiptVerifyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a receipt file's signature and show who signed it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rf, _, err := readReceiptFile(args[0])
			if err != nil {
				return err
			}
			if g.output == "json" {
				return writeJSON(cmd.OutOrStdout(), rf)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "receipt %d of channel %s at %d signed by %s (chain %d, payment %s)\n",
				rf.Seq, hexutil.Encode(rf.ChannelID), rf.Time, rf.Signer.Hex(), rf.ChainID, rf.Payment.Hex())
			return nil
		},
	}
	return cmd
}
