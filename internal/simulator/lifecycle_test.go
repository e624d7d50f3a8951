package simulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestServeHTTPWorksWithoutStart(t *testing.T) {
	const region = "cn-hangzhou"
	s := New(Config{Credentials: testCredentials(), Regions: map[string][]Instance{region: GenerateFleet(region, 3, 1)}})
	rec := serve(s, newV3Request(t, "example.test", rawV3{query: url.Values{"RegionId": {region}}}))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"TotalCount":3`) {
		t.Errorf("got %d %s", rec.Code, rec.Body.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec = serve(s, newV3Request(t, "example.test", rawV3{query: url.Values{"RegionId": {region}}}))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close: status %d, want 503", rec.Code)
	}
	if _, err := s.Start("127.0.0.1:0"); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func TestLatencyEndsWhenTheClientGivesUp(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: nil},
		Latency: map[string]time.Duration{region: time.Hour},
	})
	c := newClient(t, endpoint, clientOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := describe(ctx, c, statusQuery{region: region}); err == nil {
		t.Fatal("a call with an hour of latency returned before its 50ms deadline")
	}
	// Close waits for every handler: it returns only because the sleeping
	// handler noticed the client had gone.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCloseCutsShortASleepingHandler(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: nil},
		Latency: map[string]time.Duration{"": time.Hour},
	})
	done := make(chan error, 1)
	c := newClient(t, endpoint, clientOpts{})
	go func() {
		_, err := describe(context.Background(), c, statusQuery{region: region})
		done <- err
	}()
	waitFor(t, func() bool { return s.Stats(region).Calls == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the call succeeded although the server closed under it")
	}
}

func TestCloseAnswers503ToAHandlerItCutsShort(t *testing.T) {
	const region = "cn-hangzhou"
	s := New(Config{
		Credentials: testCredentials(),
		Regions:     map[string][]Instance{region: nil},
		Latency:     map[string]time.Duration{region: time.Hour},
	})
	rec := httptest.NewRecorder()
	req := newV3Request(t, "example.test", rawV3{query: url.Values{"RegionId": {region}}})
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.ServeHTTP(rec, req)
	}()
	waitFor(t, func() bool { return s.Stats(region).Calls == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	<-served
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "ServiceUnavailable") {
		t.Errorf("got %d %s, want 503 ServiceUnavailable", rec.Code, rec.Body.String())
	}
}
