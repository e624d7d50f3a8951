package statuspage

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"golang.org/x/net/html"
)

func TestTheStatusPageShowsEachRegionsSweepFleetAndLastError(t *testing.T) {
	rec, doc := serve(t, Status(testOptions()), "/status")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("HTTP %d, %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// Region, ecs_up, last sweep, duration, pages, calls, throttled, by status, data served, last error.
	for _, tc := range []struct {
		region string
		want   []string
	}{
		{"cn-hangzhou", []string{"cn-hangzhou", "1", "2025-03-04 05:06:02 UTC 5s ago", "1.2s", "3", "4", "1",
			"Running 100, Stopped 18, Hibernated 2", "5s ago", "none"}},
		{"xx-nowhere-1", []string{"xx-nowhere-1", "0", "2025-03-04 05:06:04 UTC 3s ago", "1s", "0", "1", "0", "–", "none served",
			"InvalidRegionId.NotFound The specified RegionId does not exist. 2025-03-04 05:06:04 UTC, 3s ago"}},
		{"eu-central-1", []string{"eu-central-1", "1", "2025-03-04 05:06:05 UTC 2s ago", "1.2s", "3", "4", "1", "0", "2s ago",
			"Throttling.User Request was denied due to user flow control. 2025-03-04 05:04:37 UTC, 1m30s ago; the listings since succeeded"}},
		{"us-west-1", []string{"us-west-1", "–", "never running for 1s", "–", "–", "–", "–", "–", "none yet", "none"}},
	} {
		t.Run(tc.region, func(t *testing.T) {
			if got := testenv.Cells(row(t, doc, "regions", "default", tc.region)); !slices.Equal(got, tc.want) {
				t.Errorf("cells\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestTheFailingRegionsRowCarriesItsCodeAndMessageApart(t *testing.T) {
	_, doc := serve(t, Status(testOptions()), "/status")
	tr := row(t, doc, "regions", "default", "xx-nowhere-1")
	if testenv.Attr(tr, "class") != "failing" {
		t.Errorf("the failing row's class is %q, want failing", testenv.Attr(tr, "class"))
	}
	code := testenv.Elements(tr, func(n *html.Node) bool { return testenv.Attr(n, "class") == "code" })
	msg := testenv.Elements(tr, func(n *html.Node) bool { return testenv.Attr(n, "class") == "message" })
	if len(code) != 1 || testenv.Text(code[0]) != "InvalidRegionId.NotFound" || len(msg) != 1 || testenv.Text(msg[0]) != "The specified RegionId does not exist." {
		t.Errorf("code %v, message %v", code, msg)
	}
}

func TestTheStatusPageShowsTheOptionalCollectorsAndTheRecentFailuresNewestFirst(t *testing.T) {
	_, doc := serve(t, Status(testOptions()), "/status")
	want := []string{"default on /metrics", "cn-hangzhou", "info", "2025-03-04 05:05:07 UTC 1m0s ago", "1.2s", "3", "4", "1", "120",
		"Throttling.User Request was denied due to user flow control. 2025-03-04 05:00:07 UTC, 6m0s ago; the listings since succeeded"}
	if got := testenv.Cells(row(t, doc, "collectors", "default", "cn-hangzhou")); !slices.Equal(got, want) {
		t.Errorf("info row\n got %q\nwant %q", got, want)
	}
	var got []string
	for _, tr := range testenv.Elements(doc, testenv.Tag("tr")) {
		if c := testenv.Cells(tr); len(c) == 6 && strings.Contains(c[0], "UTC") {
			got = append(got, c[2]+" "+c[3]+" "+c[4])
		}
	}
	wantFailures := []string{"xx-nowhere-1 sweep InvalidRegionId.NotFound", "eu-central-1 sweep Throttling.User", "cn-hangzhou info Throttling.User"}
	if !slices.Equal(got, wantFailures) {
		t.Errorf("recent failures %q, want %q", got, wantFailures)
	}
}

func TestTheLandingPageSummarisesEachRegionAndLinksToItsStatus(t *testing.T) {
	rec, doc := serve(t, Landing(testOptions()), "/")
	if rec.Code != http.StatusOK {
		t.Fatalf("HTTP %d", rec.Code)
	}
	tr := row(t, doc, "regions", "default", "xx-nowhere-1")
	want := []string{"xx-nowhere-1", "0", "2025-03-04 05:06:04 UTC 3s ago", "–", "none served",
		"InvalidRegionId.NotFound The specified RegionId does not exist. 2025-03-04 05:06:04 UTC, 3s ago"}
	if got := testenv.Cells(tr); !slices.Equal(got, want) {
		t.Errorf("cells\n got %q\nwant %q", got, want)
	}
	links := hrefs(doc)
	for _, l := range []string{"/metrics", "/status", "/status#" + testenv.Attr(tr, "id")} {
		if !slices.Contains(links, l) {
			t.Errorf("no link to %s among %q", l, links)
		}
	}
	if !strings.Contains(testenv.Text(doc), "Version 0.1.0 (revision abc)") {
		t.Errorf("no version in %q", testenv.Text(doc))
	}
}

func TestThePagesSayPlainlyWhenTheDataIsTheDemos(t *testing.T) {
	const banner = "Demo mode: this data is simulated by the built-in simulator; no cloud account is used."
	for _, demo := range []bool{false, true} {
		o := testOptions()
		o.Demo = demo
		for path, h := range map[string]http.Handler{"/": Landing(o), "/status": Status(o)} {
			_, doc := serve(t, h, path)
			if got := strings.Contains(testenv.Text(doc), banner); got != demo {
				t.Errorf("demo %v, %s: banner shown %v", demo, path, got)
			}
		}
	}
}

func TestProfilingIsLinkedOnlyWhenEnabled(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		o := testOptions()
		o.Pprof = enabled
		_, doc := serve(t, Landing(o), "/")
		linked := slices.ContainsFunc(hrefs(doc), func(h string) bool { return strings.HasPrefix(h, "/debug/pprof/") })
		if linked != enabled {
			t.Errorf("--web.enable-pprof %v: /debug/pprof/ linked %v (%q)", enabled, linked, hrefs(doc))
		}
	}
}

func TestEachPageAnswersOnlyItsOwnPath(t *testing.T) {
	for _, path := range []string{"/debug/pprof/heap", "/index.html", "/metricsx"} {
		if rec, _ := serve(t, Landing(testOptions()), path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: HTTP %d, want 404", path, rec.Code)
		}
	}
	if rec, _ := serve(t, Status(testOptions()), "/status/x"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /status/x: HTTP %d, want 404", rec.Code)
	}
}

func TestThePagesEscapeWhatTheyShowAndRunNoScript(t *testing.T) {
	evil := `"><script>alert(1)</script>`
	o := testOptions()
	o.Links = []Link{{Address: "javascript:alert(1)", Text: evil}}
	o.Accounts = func() []Account {
		f := &collector.Failure{Code: "X", Message: evil}
		return []Account{{Name: evil, Path: "/probe", Regions: []collector.RegionStatus{{Region: evil, Sweep: collector.ListingStatus{
			Recent: []collector.Fetch{{Err: f}}, LastError: f,
		}}}}}
	}
	for path, h := range map[string]http.Handler{"/": Landing(o), "/status": Status(o)} {
		rec, doc := serve(t, h, path)
		if n := testenv.Elements(doc, testenv.Tag("script")); len(n) != 0 {
			t.Errorf("%s: a script element reached the page:\n%s", path, rec.Body)
		}
		for _, n := range testenv.Elements(doc, func(*html.Node) bool { return true }) {
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
					t.Errorf("%s: <%s %s=%q>", path, n.Data, a.Key, a.Val)
				}
			}
		}
		if !strings.Contains(testenv.Text(doc), evil) {
			t.Errorf("%s: the value is not shown as text", path)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
	}
}

// hrefs are the page's link targets.
func hrefs(doc *html.Node) []string {
	var out []string
	for _, a := range testenv.Elements(doc, testenv.Tag("a")) {
		out = append(out, testenv.Attr(a, "href"))
	}
	return out
}
