package handler_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// The listing changes while a sweep pages through it: every instance that
// existed throughout must be there exactly once, and the next scrape exact.
func TestFaultSuiteListingChanges(t *testing.T) {
	headInsert := func(sim *simulator.Server) {
		sim.Insert(faulty, simulator.Instance{ID: "i-inserted-at-head", Zone: faulty + "-a", Status: "Pending"}, true)
	}
	runFaultSuite(t, []faultCase{
		// After page 1 an instance appears at the head, so every later
		// page starts with the previous page's last item: the overlap is
		// de-duplicated. Pages are fetched one at a time here.
		{name: "list shifts between pages (head insert)", mutating: true, maxInflight: 1,
			config: onFaultyPage(2, headInsert)},
		// The same head insert with pages fetched concurrently, in an order
		// a loaded network can produce: page 3 is answered before the
		// insert, page 2 after it. The instance that was last on page 2
		// moves to page 3's first slot, which was already read. (Before
		// sweeps re-paged a listing whose TotalCount changed, this lost
		// an instance every time.)
		{name: "list shifts while pages are fetched concurrently", mutating: true,
			config: onFaultyPage(2, headInsert), front: holdPageUntilAnswered(faulty, 2, 3)},
		// TotalCount grows mid-sweep (25 instances appended while the last
		// original page is requested): the new pages are fetched too.
		{name: "TotalCount grows mid-sweep", mutating: true,
			config: onFaultyPage(lastPage, func(sim *simulator.Server) {
				for i := range 25 {
					sim.Insert(faulty, simulator.Instance{ID: fmt.Sprintf("i-appended-%02d", i), Zone: faulty + "-b", Status: "Starting"}, false)
				}
			})},
		// TotalCount shrinks mid-sweep: the listing's first instance is
		// deleted after page 1, so every later page shifts up by one and
		// the instance that was first on page 2 moves to page 1, which was
		// already read. It still exists and must not be lost. (Lost every
		// time before sweeps re-paged a changed listing.)
		{name: "TotalCount shrinks mid-sweep (head delete)", mutating: true, maxInflight: 1,
			config: onFaultyPage(2, func(sim *simulator.Server) { sim.Remove(faulty, sim.Instances(faulty)[0].ID) })},
	})
}

// lastPage, given to onFaultyPage, is the last page of the faulty region's
// listing as configured.
const lastPage = -1

// onFaultyPage is a config hook that changes the faulty region's listing
// with do, once, when its page is first requested.
func onFaultyPage(page int, do func(sim *simulator.Server)) func(cfg *simulator.Config, sim **simulator.Server) {
	return func(cfg *simulator.Config, sim **simulator.Server) {
		at := page
		if at == lastPage {
			at = (len(cfg.Regions[faulty]) + pageSize - 1) / pageSize
		}
		var once sync.Once
		cfg.OnRequest = func(region string, p int) {
			if region == faulty && p == at {
				once.Do(func() { do(*sim) })
			}
		}
	}
}

// holdPageUntilAnswered returns a front for the simulator: a reverse proxy
// that holds the region's request for page held until the answer to page
// first has gone back to the client (or 10s have passed, in case the client
// never asks for it). The signature stays valid: the proxy keeps the Host
// the client signed.
func holdPageUntilAnswered(region string, held, first int) func(t *testing.T, base string) (string, func()) {
	return func(t *testing.T, base string) (string, func()) {
		target, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.Transport = &http.Transport{Proxy: nil}
		answered := make(chan struct{})
		var once sync.Once
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			page, _ := strconv.Atoi(q.Get("PageNumber"))
			if q.Get("RegionId") == region && page == held {
				select {
				case <-answered:
				case <-time.After(10 * time.Second):
					t.Logf("page %d was never asked for; page %d goes on", first, held)
				case <-r.Context().Done():
					return
				}
			}
			proxy.ServeHTTP(w, r)
			if q.Get("RegionId") == region && page == first {
				once.Do(func() { close(answered) })
			}
		}))
		return srv.URL, func() {
			srv.Close()
			proxy.Transport.(*http.Transport).CloseIdleConnections()
		}
	}
}
