// Command tpod is the single binary of Trusted Pods: publisher commands, the
// provider daemon and the local development network.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/trustedpods/tpod/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
