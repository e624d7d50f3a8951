package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	dto "github.com/prometheus/client_model/go"
)

// standInFleet is the stand-in's GET /_standin/fleet: the fleet it serves
// right now and the generation, which grows with every churn round.
type standInFleet struct {
	Generation int
	Regions    map[string][]struct{ InstanceId, Status string }
}

// statuses is region's fleet as instance ID → status.
func (f standInFleet) statuses(region string) map[string]string {
	out := map[string]string{}
	for _, in := range f.Regions[region] {
		out[in.InstanceId] = in.Status
	}
	return out
}

// standInStats is the stand-in's GET /_standin/stats: answered API requests.
type standInStats struct {
	Total    int
	Requests map[string]map[string]map[string]int // action → region → HTTP status → count
	ByRegion map[string]int                       `json:"by_region"`
	ByStatus map[string]int                       `json:"by_status"`
}

// readStandIn decodes the stand-in's test endpoint path (fleet or stats)
// into v; safe in any goroutine.
func readStandIn(base, path string, v any) error {
	code, body, err := fetchURL(http.DefaultClient, base+"/_standin/"+path, nil)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET /_standin/%s: HTTP %d: %s", path, code, body)
	}
	return json.Unmarshal(body, v)
}

// timedScrape is one scrape with an X-Prometheus-Scrape-Timeout-Seconds
// header and what came of it.
type timedScrape struct {
	Header     string // the header's value; "" for none
	Start, End time.Time
	Code       int
	MFs        map[string]*dto.MetricFamily
	Err        error
}

// scrapeWithTimeout scrapes url sending header as the scrape timeout ("" =
// no header) and parses the answer; safe in any goroutine.
func scrapeWithTimeout(url, header string) timedScrape {
	s := timedScrape{Header: header, Start: time.Now()}
	h := http.Header{}
	if header != "" {
		h.Set("X-Prometheus-Scrape-Timeout-Seconds", header)
	}
	var body []byte
	s.Code, body, s.Err = fetchURL(http.DefaultClient, url, h)
	s.End = time.Now()
	if s.Err == nil && s.Code != http.StatusOK {
		s.Err = fmt.Errorf("GET %s: HTTP %d: %.300s", url, s.Code, body)
	}
	if s.Err == nil {
		s.MFs, s.Err = testenv.ParseText(body)
	}
	if s.Err == nil {
		s.Err = noDuplicateSeries(s.MFs)
	}
	return s
}

// scrapeAsync runs scrapeWithTimeout in a goroutine.
func scrapeAsync(url, header string) <-chan timedScrape {
	ch := make(chan timedScrape, 1)
	go func() { ch <- scrapeWithTimeout(url, header) }()
	return ch
}

// noDuplicateSeries fails when a family holds two series with one label set.
func noDuplicateSeries(mfs map[string]*dto.MetricFamily) error {
	for name, mf := range mfs {
		seen := map[string]bool{}
		for _, m := range mf.GetMetric() {
			var parts []string
			for k, v := range testenv.Labels(m) {
				parts = append(parts, k+"="+v)
			}
			sort.Strings(parts)
			key := strings.Join(parts, ",")
			if seen[key] {
				return fmt.Errorf("duplicate series %s{%s}", name, key)
			}
			seen[key] = true
		}
	}
	return nil
}

// currentStatuses is region → instance ID → status from the value-1 series
// of ecs_instance_status; two value-1 series for one instance are an error.
func currentStatuses(mfs map[string]*dto.MetricFamily) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for key, v := range testenv.Series(mfs, "ecs_instance_status", "region", "instance_id", "status") {
		if v != 1 {
			continue
		}
		f := strings.Fields(key)
		region, id, status := f[0], f[1], f[2]
		if out[region] == nil {
			out[region] = map[string]string{}
		}
		if prev, ok := out[region][id]; ok {
			return nil, fmt.Errorf("%s %s is both %s and %s", region, id, prev, status)
		}
		out[region][id] = status
	}
	return out, nil
}

// fleetDiff lists how got (instance ID → status) differs from want, leaving
// out the instances in loose, which may show any status or none.
func fleetDiff(got, want map[string]string, loose map[string]bool) []string {
	var diffs []string
	for id, w := range want {
		if g := got[id]; g != w && !loose[id] {
			diffs = append(diffs, fmt.Sprintf("%s is %q, want %q", id, g, w))
		}
	}
	for id, g := range got {
		if _, ok := want[id]; !ok && !loose[id] {
			diffs = append(diffs, fmt.Sprintf("%s (%s) is not in the fleet", id, g))
		}
	}
	slices.Sort(diffs)
	return diffs
}
