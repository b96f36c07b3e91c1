// Package p2p implements Trusted Pods' libp2p protocols between a publisher and
// a provider (docs/protocol.md): /tpod/attest, /tpod/quote, /tpod/provision and
// /tpod/manage. Messages are varint-delimited protobuf (api/proto/p2p) with a
// size cap per message and deadlines; a stream is reset on any error.
//
// A Server answers on a host the process already runs (in production the
// embedded IPFS node's host) and calls a Service, which the provider daemon
// implements. Requests that act on a pod carry an EIP-712 signature by the
// channel's publisher; the Server verifies it before the Service sees the
// request. A Client makes the requests and signs them with a Signer.
package p2p

import (
	"time"

	"github.com/libp2p/go-libp2p/core/protocol"
)

// Protocol IDs. A breaking change to a protocol's messages gets a new major
// version, served beside the old one for a while (docs/protocol.md).
const (
	AttestID    protocol.ID = "/tpod/attest/1.0.0"
	QuoteID     protocol.ID = "/tpod/quote/1.0.0"
	ProvisionID protocol.ID = "/tpod/provision/1.0.0"
	ManageID    protocol.ID = "/tpod/manage/1.0.0"
)

// Operations named in a request's authorization (Auth.op).
const (
	OpProvision = "provision"
	OpStatus    = "status"
	OpLogs      = "logs"
	OpUpdate    = "update"
	OpDelete    = "delete"
	OpRestart   = "restart"
	OpEvents    = "events"
)

// Message limits. Requests are small; responses carry attestation evidence or
// one log line.
const (
	// MaxRequestSize caps every request message, in bytes.
	MaxRequestSize = 16 << 10
	// MaxResponseSize caps every response message, in bytes.
	MaxResponseSize = 256 << 10
	// MaxLogLine is the longest log line in one LogEntry; longer lines are split.
	MaxLogLine = 16 << 10
	// MaxErrorMessage is the longest error message sent back.
	MaxErrorMessage = 1024
	// MaxCIDLength caps a bundle CID.
	MaxCIDLength = 256
	// MaxNameLength caps a container name.
	MaxNameLength = 253
	// MinNonceLength and MaxNonceLength bound an attestation nonce.
	MinNonceLength = 32
	MaxNonceLength = 64
	// MaxEvents caps the events of one events response; the oldest are
	// left out first, also to keep the response under MaxResponseSize.
	MaxEvents = 500
	// MaxEventKind, MaxEventReason and MaxEventMessage cap an event's texts.
	MaxEventKind    = 32
	MaxEventReason  = 64
	MaxEventMessage = 512
)

// Limits bound what a Server accepts. The zero value of a field means its
// default (DefaultLimits).
type Limits struct {
	// ReadTimeout bounds reading the request after the stream opened.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing each response message.
	WriteTimeout time.Duration
	// HandlerTimeout bounds the Service call for attest, quote and manage
	// operations other than logs.
	HandlerTimeout time.Duration
	// ProvisionTimeout bounds the Service call for provision and update, which
	// fetch a bundle and deploy it.
	ProvisionTimeout time.Duration
	// LogsTimeout bounds a logs stream, following or not.
	LogsTimeout time.Duration
	// MaxAuthValidity is the furthest into the future a request's expiry may
	// lie; it also bounds how long nonces are remembered.
	MaxAuthValidity time.Duration
	// ClockSkew is tolerated between the publisher's clock and ours when
	// checking MaxAuthValidity.
	ClockSkew time.Duration
	// MaxStreamsPerPeer and MaxStreams bound concurrent requests being served.
	MaxStreamsPerPeer int
	MaxStreams        int
}

// DefaultLimits are the limits a Server uses for fields left zero.
var DefaultLimits = Limits{
	ReadTimeout:       10 * time.Second,
	WriteTimeout:      10 * time.Second,
	HandlerTimeout:    30 * time.Second,
	ProvisionTimeout:  10 * time.Minute,
	LogsTimeout:       time.Hour,
	MaxAuthValidity:   10 * time.Minute,
	ClockSkew:         time.Minute,
	MaxStreamsPerPeer: 8,
	MaxStreams:        128,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.ReadTimeout, d.ReadTimeout)
	set(&l.WriteTimeout, d.WriteTimeout)
	set(&l.HandlerTimeout, d.HandlerTimeout)
	set(&l.ProvisionTimeout, d.ProvisionTimeout)
	set(&l.LogsTimeout, d.LogsTimeout)
	set(&l.MaxAuthValidity, d.MaxAuthValidity)
	set(&l.ClockSkew, d.ClockSkew)
	if l.MaxStreamsPerPeer <= 0 {
		l.MaxStreamsPerPeer = d.MaxStreamsPerPeer
	}
	if l.MaxStreams <= 0 {
		l.MaxStreams = d.MaxStreams
	}
	return l
}
