package simulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// lifecycle is a Server's running state: its listener, the handlers in
// flight, and the closing signal that cuts their waits short.
type lifecycle struct {
	mu        sync.Mutex
	closed    bool
	httpSrv   *http.Server
	serveDone chan struct{}

	closing  chan struct{} // closed by close: handlers stop sleeping
	handlers sync.WaitGroup
}

func newLifecycle() *lifecycle {
	return &lifecycle{closing: make(chan struct{})}
}

// start listens on addr and serves h in the background; it returns the
// base URL. It may succeed once, and never after close.
func (l *lifecycle) start(addr string, h http.Handler) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return "", errors.New("simulator: Start after Close")
	}
	if l.httpSrv != nil {
		return "", errors.New("simulator: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	l.httpSrv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	l.serveDone = make(chan struct{})
	go func(srv *http.Server, done chan<- struct{}) {
		defer close(done)
		_ = srv.Serve(ln)
	}(l.httpSrv, l.serveDone)
	return "http://" + ln.Addr().String(), nil
}

// close stops the listener, drops open connections, wakes the sleeping
// handlers and waits for every handler to leave. Later calls do nothing.
func (l *lifecycle) close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	srv, done := l.httpSrv, l.serveDone
	l.mu.Unlock()

	// Drop the connections first, so a handler cut short below cannot
	// still send an answer; then wake the sleeping handlers.
	var err error
	if srv != nil {
		err = srv.Close()
		<-done
	}
	close(l.closing)
	l.handlers.Wait()
	return err
}

// enter registers a handler unless the server is closed; a handler that
// entered calls leave when it returns.
func (l *lifecycle) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.handlers.Add(1)
	return true
}

func (l *lifecycle) leave() { l.handlers.Done() }

// done is closed when the server starts closing.
func (l *lifecycle) done() <-chan struct{} { return l.closing }

// sleep waits d, returning false early when the client has gone away or the
// server is closing.
func (l *lifecycle) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-l.closing:
		return false
	}
}
