package aliyun

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// maxBodyBytes bounds one response. A full page of 50 statuses is a few KiB;
// anything near this limit is a misbehaving endpoint or proxy.
const maxBodyBytes = 8 << 20

// errBodyTooLarge is returned when a response exceeds maxBodyBytes.
var errBodyTooLarge = errors.New("response body too large")

// httpDoer holds the Client's one pooled transport, so that connections
// are reused across pages and regions, and loopback is never sent through
// HTTP(S)_PROXY. The V3 path (signed.go) sends on it
// directly; it is also the SDK's pluggable HTTP client (dara.HttpClient)
// for the requests the SDK sends itself: the SDK builds a fresh
// *http.Transport for every request and hands it in, and we ignore it.
type httpDoer struct {
	client *http.Client
}

func newHTTPDoer(maxConns int) *httpDoer {
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          2 * maxConns,
		MaxIdleConnsPerHost:   maxConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &httpDoer{client: &http.Client{Transport: t}}
}

// Call implements dara.HttpClient.
func (d *httpDoer) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	resp, err := d.do(req)
	if err != nil {
		return nil, err
	}
	if rec, ok := req.Context().Value(statusKey{}).(*int); ok {
		*rec = resp.StatusCode
	}
	return resp, nil
}

// do sends req on a pooled connection; the body it returns fails a read
// past maxBodyBytes.
func (d *httpDoer) do(req *http.Request) (*http.Response, error) {
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &limitedBody{rc: resp.Body, left: maxBodyBytes}
	return resp, nil
}

// close releases the pooled connections.
func (d *httpDoer) close() { d.client.CloseIdleConnections() }

// statusKey carries a *int through the request context so that the caller of
// an SDK method learns the HTTP status even when the SDK reports only a
// decoding error (for instance an HTML page from a proxy).
type statusKey struct{}

func withStatusRecorder(ctx context.Context) (context.Context, *int) {
	status := new(int)
	return context.WithValue(ctx, statusKey{}, status), status
}

// limitedBody fails a read past the limit instead of silently truncating.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// Probe for one more byte: exactly maxBodyBytes is allowed.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, errBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
