package statuspage

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
)

// maxFailures is how many recent failures the status page lists.
const maxFailures = 20

// view is what a page template reads: every value is a string or a number
// already, so that the templates only lay it out (and html/template
// escapes it).
type view struct {
	Title, Name, Description, Version string
	Demo, Pprof                       bool
	Generated                         string
	MetricsPath                       string
	Links                             []Link
	Accounts                          []accountView
	Collectors                        []listingRow // the optional collectors' listings
	Failures                          []failureRow
}

// accountView is one account's table.
type accountView struct {
	Name, Path, ID string
	Regions        string // the region names, comma-separated
	Rows           []regionRow
}

// regionRow is one region: its ecs_up, last sweep, fleet and last error.
type regionRow struct {
	listingRow
	Up, UpClass string // "1"/"0"/"–"; "up"/"down"/"unknown"
	ByStatus    []statusCount
	Data        string // the age of the data served, or why there is none
	DataClass   string
}

// listingRow is the part of a row that any listing has: the last one, its
// counts and the last error.
type listingRow struct {
	ID, Account, Path, Region          string
	Collector                          string // "" for a sweep
	When, Age, Running                 string
	Duration, Pages, Calls, Throttled  string
	Instances                          string
	ErrCode, ErrMessage, ErrAt, ErrAge string
	ErrNow                             bool // the last listing failed
	Down                               bool
}

type statusCount struct {
	Status string
	N      int
}

// failureRow is one failed listing of the recent past.
type failureRow struct {
	at                               time.Time
	When, Age, Account, Path, Region string
	What                             string
	Code, Message, Link              string
}

// build is the view of accounts at now.
func build(o *Options, accounts []Account, now time.Time, title string) *view {
	v := &view{
		Title: title, Name: o.Name, Description: o.Description, Version: o.Version,
		Demo: o.Demo, Pprof: o.Pprof, MetricsPath: o.MetricsPath, Links: o.Links,
		Generated: stamp(now),
	}
	for _, a := range accounts {
		av := accountView{Name: a.Name, Path: a.Path, ID: anchor(a.Path, a.Name, "")}
		names := make([]string, 0, len(a.Regions))
		for _, s := range a.Regions {
			names = append(names, s.Region)
			av.Rows = append(av.Rows, regionView(a, s, now))
			for _, c := range s.Collectors {
				v.Collectors = append(v.Collectors, listingView(a, s.Region, c.Name, c.ListingStatus, now))
			}
			v.Failures = append(v.Failures, failures(a, s, now)...)
		}
		av.Regions = strings.Join(names, ", ")
		v.Accounts = append(v.Accounts, av)
	}
	slices.SortStableFunc(v.Failures, func(a, b failureRow) int { return b.at.Compare(a.at) })
	v.Failures = v.Failures[:min(len(v.Failures), maxFailures)]
	return v
}

func regionView(a Account, s collector.RegionStatus, now time.Time) regionRow {
	r := regionRow{listingRow: listingView(a, s.Region, "", s.Sweep, now), Up: "–", UpClass: "unknown"}
	if s.Sweep.Last() != nil {
		r.Up, r.UpClass = "0", "down"
		if s.Up() {
			r.Up, r.UpClass = "1", "up"
		}
	}
	r.ByStatus = byStatus(s.Sweep.ByStatus)
	age, ok := s.DataAge(now)
	switch {
	case !ok && s.Sweep.Last() == nil:
		r.Data, r.DataClass = "none yet", "unknown"
	case !ok:
		r.Data, r.DataClass, r.ByStatus, r.Instances = "none served", "down", nil, "–"
	case s.Stale:
		r.Data, r.DataClass = "stale, "+ago(age), "stale"
	default:
		r.Data, r.DataClass = ago(age), "up"
	}
	return r
}

func listingView(a Account, region, kind string, s collector.ListingStatus, now time.Time) listingRow {
	r := listingRow{
		ID: anchor(a.Path, a.Name, region, kind), Account: a.Name, Path: a.Path, Region: region, Collector: kind,
		When: "never", Age: "", Duration: "–", Pages: "–", Calls: "–", Throttled: "–", Instances: "–",
	}
	if !s.Running.IsZero() {
		r.Running = "running for " + span(now.Sub(s.Running))
	}
	if last := s.Last(); last != nil {
		r.When, r.Age = stamp(last.Finished), ago(now.Sub(last.Finished))
		r.Duration = span(last.Duration())
		r.Pages, r.Calls, r.Throttled = strconv.Itoa(last.Pages), strconv.Itoa(last.Calls), strconv.Itoa(last.Throttled)
		r.ErrNow, r.Down = last.Err != nil, last.Err != nil
	}
	if !s.LastSuccess.IsZero() {
		r.Instances = strconv.Itoa(s.Instances)
	}
	if e := s.LastError; e != nil {
		r.ErrCode, r.ErrMessage, r.ErrAt, r.ErrAge = e.Code, e.Message, stamp(e.At), ago(now.Sub(e.At))
	}
	return r
}

// failures are the failed listings among s's recent ones, the sweep's and
// the optional collectors'.
func failures(a Account, s collector.RegionStatus, now time.Time) []failureRow {
	var out []failureRow
	add := func(what, kind string, recent []collector.Fetch) {
		for _, f := range recent {
			if f.Err == nil {
				continue
			}
			out = append(out, failureRow{
				at: f.Err.At, When: stamp(f.Err.At), Age: ago(now.Sub(f.Err.At)), Account: a.Name, Path: a.Path, Region: s.Region,
				What: what, Code: f.Err.Code, Message: f.Err.Message, Link: "#" + anchor(a.Path, a.Name, s.Region, kind),
			})
		}
	}
	add("sweep", "", s.Sweep.Recent)
	for _, c := range s.Collectors {
		add(c.Name, c.Name, c.Recent)
	}
	return out
}

// byStatus orders the counts: the known statuses first, then the rest.
func byStatus(by map[string]int) []statusCount {
	out := make([]statusCount, 0, len(by))
	for s, n := range by {
		out = append(out, statusCount{s, n})
	}
	rank := func(s string) int {
		if i := slices.Index(collector.KnownStatuses, s); i >= 0 {
			return i
		}
		return len(collector.KnownStatuses)
	}
	slices.SortFunc(out, func(a, b statusCount) int {
		return cmp.Or(cmp.Compare(rank(a.Status), rank(b.Status)), cmp.Compare(a.Status, b.Status))
	})
	return out
}

// anchor is an element ID for a table or row: letters, digits and dashes.
func anchor(parts ...string) string {
	b := []byte("s")
	for _, p := range parts {
		b = append(b, '-')
		for _, c := range []byte(p) {
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				b = append(b, c)
			default:
				b = append(b, fmt.Sprintf("_%02x", c)...)
			}
		}
	}
	return string(b)
}

// stamp is a time as the page shows it, in UTC.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// ago is an age: "12s ago".
func ago(d time.Duration) string { return span(d) + " ago" }

// span is a duration rounded for reading: 85ms, 1.2s, 3m4s, 2h5m.
func span(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d < time.Hour:
		return d.Round(time.Second).String()
	default:
		return d.Round(time.Minute).String()
	}
}
