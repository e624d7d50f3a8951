package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// serve runs listen, which serves srv, until ctx ends; then it shuts srv
// down: no new connections, and the requests in flight (each bounded by
// its scrape deadline) get up to grace to finish. serve returns only once
// they have, so that the caller closes the exporters after the last
// scrape, not under it.
func serve(ctx context.Context, srv *http.Server, listen func() error, grace time.Duration, logger log.Logger) error {
	stopped := make(chan struct{}) // listen returned
	shutDown := make(chan struct{})
	go func() {
		defer close(shutDown)
		select {
		case <-ctx.Done():
		case <-stopped:
			return
		}
		level.Info(logger).Log("msg", "shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	err := listen()
	close(stopped)
	<-shutDown
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
