package statuspage

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"golang.org/x/net/html"
)

// now is the clock of every test page.
var now = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// fleet is an account with a healthy region, a failing one that serves
// nothing, a region that recovered and one not swept yet; the healthy
// region has an info listing (an optional collector).
func fleet() []Account {
	fetch := func(ago time.Duration, err *collector.Failure) collector.Fetch {
		return collector.Fetch{Started: now.Add(-ago - 1200*time.Millisecond), Finished: now.Add(-ago),
			Calls: 4, Pages: 3, Throttled: 1, Instances: 120, Err: err}
	}
	notFound := &collector.Failure{At: now.Add(-3 * time.Second), Code: "InvalidRegionId.NotFound", Message: "The specified RegionId does not exist."}
	throttled := &collector.Failure{At: now.Add(-90 * time.Second), Code: "Throttling.User", Message: "Request was denied due to user flow control."}
	infoThrottled := &collector.Failure{At: now.Add(-6 * time.Minute), Code: "Throttling.User", Message: "Request was denied due to user flow control."}
	return []Account{{Name: "default", Path: "/metrics", Regions: []collector.RegionStatus{
		{Region: "cn-hangzhou", Serving: true, Sweep: collector.ListingStatus{
			Recent: []collector.Fetch{fetch(5*time.Second, nil)}, LastSuccess: now.Add(-5 * time.Second),
			Instances: 120, ByStatus: map[string]int{"Running": 100, "Stopped": 18, "Hibernated": 2},
		}, Collectors: []collector.CollectorListing{{Name: "info", ListingStatus: collector.ListingStatus{
			Recent: []collector.Fetch{fetch(time.Minute, nil), fetch(6*time.Minute, infoThrottled)}, LastSuccess: now.Add(-time.Minute),
			Instances: 120, LastError: infoThrottled,
		}}}},
		{Region: "xx-nowhere-1", Sweep: collector.ListingStatus{
			Recent:    []collector.Fetch{{Started: now.Add(-4 * time.Second), Finished: now.Add(-3 * time.Second), Calls: 1, Err: notFound}},
			LastError: notFound,
		}},
		{Region: "eu-central-1", Serving: true, Sweep: collector.ListingStatus{
			Recent: []collector.Fetch{fetch(2*time.Second, nil), fetch(time.Minute, throttled)}, LastSuccess: now.Add(-2 * time.Second),
			ByStatus: map[string]int{}, LastError: throttled,
		}},
		{Region: "us-west-1", Sweep: collector.ListingStatus{Running: now.Add(-time.Second)}},
	}}}
}

func testOptions() Options {
	return Options{
		Name: "aliyun_ecs_exporter", Description: "ECS status", Version: "0.1.0 (revision abc)",
		MetricsPath: "/metrics", Accounts: fleet, Now: func() time.Time { return now },
	}
}

// serve gets path from h and parses the page.
func serve(t *testing.T, h http.Handler, path string) (*httptest.ResponseRecorder, *html.Node) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	doc, err := html.Parse(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("GET %s: not HTML: %v", path, err)
	}
	return rec, doc
}

// row is the row of region in the table of class table whose account is
// account (on the row, or on the table); it fails the test if there is
// none.
func row(t *testing.T, doc *html.Node, table, account, region string) *html.Node {
	t.Helper()
	tr := testenv.TableRow(doc, table, account, region)
	if tr == nil {
		t.Fatalf("no row of %s/%s in a table of class %s", account, region, table)
	}
	return tr
}
