package testenv

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Response is what a GET made in the background got.
type Response struct {
	Code int
	Body string
	Err  error
}

// GetInBackground GETs url with client in a goroutine, within a minute,
// and sends what it got on the returned channel; for a request that must
// be in flight while the test does something else, such as shutting the
// server down.
func GetInBackground(client *http.Client, url string) <-chan Response {
	got := make(chan Response, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			got <- Response{Err: err}
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			got <- Response{Err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- Response{resp.StatusCode, string(body), err}
	}()
	return got
}
