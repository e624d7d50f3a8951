package handler_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	dto "github.com/prometheus/client_model/go"
)

// knownStatuses mirrors collector.KnownStatuses for the exactness checks.
var knownStatuses = collector.KnownStatuses

// checkExact checks that region's state sets are exactly fleet: every
// instance with its status at 1 and the other known statuses at 0, and no
// other instance. It returns the number of instances seen, or -1 after a
// problem.
func checkExact(p *problemList, mfs map[string]*dto.MetricFamily, region string, fleet []simulator.Instance) int {
	n := len(p.list)
	got := statesOf(mfs, region)
	want := map[string]string{}
	for _, in := range fleet {
		want[in.ID] = in.Status
	}
	for id, states := range got {
		s, ok := want[id]
		if !ok {
			p.addf("%s: instance %s is not in the fleet", region, id)
			continue
		}
		checkStateSet(p, region, id, s, states)
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			p.addf("%s: instance %s is missing", region, id)
		}
	}
	if len(p.list) > n {
		return -1
	}
	return len(got)
}

// checkShifted checks a region whose fleet changed mid-sweep: every
// instance in both before and after (it existed throughout) is there with
// its status; anything else must be in one of them. It returns the state
// column.
func checkShifted(p *problemList, mfs map[string]*dto.MetricFamily, region string, before, after []simulator.Instance) string {
	n := len(p.list)
	got := statesOf(mfs, region)
	inBefore, inAfter := map[string]string{}, map[string]string{}
	for _, in := range before {
		inBefore[in.ID] = in.Status
	}
	for _, in := range after {
		inAfter[in.ID] = in.Status
	}
	throughout := 0
	for id, s := range inBefore {
		if _, ok := inAfter[id]; !ok {
			continue
		}
		throughout++
		states, ok := got[id]
		if !ok {
			p.addf("%s: instance %s existed for the whole sweep and is missing", region, id)
			continue
		}
		checkStateSet(p, region, id, s, states)
	}
	created := 0
	for id, states := range got {
		s, ok := inAfter[id]
		if !ok {
			s, ok = inBefore[id]
		}
		if !ok {
			p.addf("%s: instance %s never existed", region, id)
			continue
		}
		if _, old := inBefore[id]; !old {
			created++
			checkStateSet(p, region, id, s, states)
		}
	}
	if len(p.list) > n {
		return fmt.Sprintf("ecs_up 1 but %d problems", len(p.list)-n)
	}
	return fmt.Sprintf("ecs_up 1, all %d that existed throughout once; %d of %d created mid-sweep", throughout, created, len(after)-throughout)
}

// statesOf maps instance ID to its status series (status → value).
func statesOf(mfs map[string]*dto.MetricFamily, region string) map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	mf, ok := mfs["ecs_instance_status"]
	if !ok {
		return out
	}
	for _, m := range mf.GetMetric() {
		l := labelMap(m)
		if l["region"] != region {
			continue
		}
		if out[l["instance_id"]] == nil {
			out[l["instance_id"]] = map[string]float64{}
		}
		out[l["instance_id"]][l["status"]] = m.GetGauge().GetValue()
	}
	return out
}

func checkStateSet(p *problemList, region, id, status string, states map[string]float64) {
	want := map[string]float64{}
	for _, k := range knownStatuses {
		want[k] = 0
	}
	want[status] = 1
	if len(states) != len(want) {
		p.addf("%s %s: %d status series, want %d", region, id, len(states), len(want))
	}
	for k, v := range want {
		if got, ok := states[k]; !ok || got != v {
			p.addf("%s %s: status %s = %g (present %v), want %g", region, id, k, got, ok, v)
		}
	}
}

// checkFailed checks a failed region with no stale result: ecs_up 0, the
// error counted once under code, and no instance series.
func checkFailed(p *problemList, up, errs, status map[string]float64, region, code string) {
	checkUpAndCode(p, up, errs, region, code)
	for k := range status {
		if strings.Split(k, " ")[1] == region {
			p.addf("%s failed but exposes %s", region, k)
			return
		}
	}
}

func checkUpAndCode(p *problemList, up, errs map[string]float64, region, code string) {
	if v, ok := up[region]; !ok || v != 0 {
		p.addf("%s: ecs_up = %g (present %v), want 0", region, v, ok)
	}
	var codes []string
	for k, v := range errs {
		if c, ok := strings.CutPrefix(k, region+" "); ok {
			codes = append(codes, fmt.Sprintf("%s=%g", c, v))
		}
	}
	sort.Strings(codes)
	if want := []string{code + "=1"}; !slices.Equal(codes, want) {
		p.addf("%s: ecs_scrape_errors_total codes %v, want %v", region, codes, want)
	}
}

// callSummary lists the region's API attempts by code.
func callSummary(calls map[string]float64, region string) string {
	var out []string
	for k, v := range calls {
		parts := strings.Split(k, " ")
		if parts[1] == region {
			out = append(out, fmt.Sprintf("%s×%g", parts[2], v))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// seriesBy returns values by the space-joined values of keys.
func seriesBy(mfs map[string]*dto.MetricFamily, name string, keys ...string) map[string]float64 {
	out := map[string]float64{}
	mf, ok := mfs[name]
	if !ok {
		return out
	}
	for _, m := range mf.GetMetric() {
		l := labelMap(m)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = l[k]
		}
		v := m.GetGauge().GetValue()
		if m.GetCounter() != nil {
			v = m.GetCounter().GetValue()
		}
		out[strings.Join(parts, " ")] = v
	}
	return out
}

func labelMap(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}
