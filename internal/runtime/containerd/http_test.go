package containerd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

var quickClient = &http.Client{Timeout: time.Second}

// waitHTTP polls url every 5 ms until it answers 200.
func waitHTTP(ctx context.Context, url string) (string, error) {
	var last error
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := quickClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return string(b), nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		last = err
		time.Sleep(5 * time.Millisecond)
	}
	return "", fmt.Errorf("GET %s: %v (%w)", url, last, ctx.Err())
}
