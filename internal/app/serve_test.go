package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/go-kit/log"
)

func TestShutdownLetsTheRequestInFlightFinish(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var served atomic.Bool // serve has returned
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		if served.Load() {
			t.Error("serve returned while a request was in flight")
		}
		io.WriteString(w, "done")
	})}
	ctx, cancel := context.WithCancel(context.Background())
	logs := &testenv.LockedBuffer{}
	serveErr := make(chan error, 1)
	go func() {
		err := serve(ctx, srv, func() error { return srv.Serve(ln) }, time.Minute, log.NewLogfmtLogger(logs))
		served.Store(true)
		serveErr <- err
	}()

	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	got := testenv.GetInBackground(client, "http://"+ln.Addr().String())
	<-entered
	cancel()
	// Once the listener is closed the shutdown is under way; only then
	// may the request finish.
	deadline := time.Now().Add(10 * time.Second)
	for answers(t, ln.Addr().String()) {
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after the context ended")
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if r := <-got; r.Err != nil || r.Body != "done" {
		t.Errorf("the request in flight got %q, %v", r.Body, r.Err)
	}
	if err := <-serveErr; err != nil {
		t.Errorf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("no \"shutting down\" in the log:\n%s", logs)
	}
}

func TestServeReturnsTheListenError(t *testing.T) {
	want := &net.OpError{Op: "listen", Err: io.ErrUnexpectedEOF}
	err := serve(context.Background(), &http.Server{}, func() error { return want }, time.Second, log.NewNopLogger())
	if err != want {
		t.Errorf("serve: %v, want %v", err, want)
	}
}
