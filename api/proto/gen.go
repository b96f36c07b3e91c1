// Package proto holds the protobuf schemas of Trusted Pods' wire formats, with
// the Go code generated from them beside each schema. The spec of the libp2p
// protocols is docs/protocol.md; that of the signing core's socket
// (core/core.proto) docs/attestation.md §10.
//
// Regenerate with `go generate ./api/...` (protoc and bin/tools/protoc-gen-go on
// PATH, see scripts/deps.sh); scripts/check-generated.sh fails on any drift.
package proto

//go:generate protoc --proto_path=. --go_out=. --go_opt=paths=source_relative p2p/common.proto p2p/attest.proto p2p/quote.proto p2p/provision.proto p2p/manage.proto
//go:generate protoc --proto_path=. --go_out=. --go_opt=paths=source_relative core/core.proto
