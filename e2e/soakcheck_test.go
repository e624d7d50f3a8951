package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// soakTally is what the soak's scrapes showed.
type soakTally struct {
	covered, coveredUp     int            // region-scrapes whose deadline covers the region; of them up
	uncovered, uncoveredUp int            // the others; of them up anyway
	downs                  map[string]int // region → scrapes that had it ecs_up 0
	exact, churned, loose  int            // churn region up: scrapes exact; scrapes exact but for loose instances
	lastGen                int            // the last churn generation seen
}

var churnLine = regexp.MustCompile(`churn generation=(\d+) region=\S+ instance=(\S+)`)

// churned is churn generation → the instances it changed, from the
// stand-in's log.
func (s *soak) churned() map[int]map[string]bool {
	out := map[int]map[string]bool{}
	for _, m := range churnLine.FindAllStringSubmatch(s.log.String(), -1) {
		gen, _ := strconv.Atoi(m[1])
		if out[gen] == nil {
			out[gen] = map[string]bool{}
		}
		out[gen][m[2]] = true
	}
	return out
}

// generationBy is a generation the fleet had reached by t: the highest one
// read before t.
func (s *soak) generationBy(t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	gen := 0
	for _, o := range s.observed {
		if !o.by.After(t) && o.gen > gen {
			gen = o.gen
		}
	}
	return gen
}

// check asserts every scrape against the coverage rule and the stand-in's
// fleet, reporting the first few problems, and tallies what it saw.
func (s *soak) check(scrapes []soakScrape) soakTally {
	s.t.Helper()
	tally := soakTally{downs: map[string]int{}}
	churn := s.churned()
	var problems []string
	for _, sc := range scrapes {
		if sc.err != nil {
			problems = append(problems, fmt.Sprintf("scrape with header %q: %v", sc.header, sc.err))
			continue
		}
		tally.lastGen = max(tally.lastGen, sc.after.Generation)
		for _, r := range soakRegions {
			problems = append(problems, s.checkRegion(sc, r, churn, &tally)...)
		}
	}
	for i, p := range problems {
		if i == 10 {
			s.t.Errorf("… and %d more problems", len(problems)-i)
			break
		}
		s.t.Error(p)
	}
	return tally
}

// checkRegion checks region r in one scrape: up when the deadline covers
// it, a wait reported when down, and its instances exact. The churn region
// is checked when up, leaving out the instances churned between the
// generation the fleet had soakLookback before the scrape and the one read
// after it; the other regions never change, so they are checked even when
// served stale.
func (s *soak) checkRegion(sc soakScrape, r soakRegion, churn map[int]map[string]bool, tally *soakTally) []string {
	var problems []string
	at := fmt.Sprintf("scrape with header %q at %s (%v)", sc.header, sc.start.Format("15:04:05.000"), sc.end.Sub(sc.start).Round(time.Millisecond))
	up := sc.up[r.name] == 1
	if covers(sc.header, r) {
		tally.covered++
		if up {
			tally.coveredUp++
		} else {
			problems = append(problems, fmt.Sprintf("%s: %s ecs_up %g, but the deadline covers it", at, r.name, sc.up[r.name]))
		}
	} else {
		tally.uncovered++
		if up {
			tally.uncoveredUp++
		}
	}
	if !up {
		tally.downs[r.name]++
		if sc.took[r.name] <= 0 {
			problems = append(problems, fmt.Sprintf("%s: %s is down with ecs_scrape_duration_seconds %g", at, r.name, sc.took[r.name]))
		}
	}
	want, loose := map[string]string{}, map[string]bool{}
	switch {
	case r.name != soakChurn:
		for _, in := range s.fleets[r.name] {
			want[in.ID] = in.Status
		}
		if len(sc.statuses[r.name]) == 0 {
			return append(problems, fmt.Sprintf("%s: no %s instances, neither fresh nor stale", at, r.name))
		}
	case !up:
		return problems
	default:
		want = sc.after.statuses(r.name)
		from := s.generationBy(sc.start.Add(-soakLookback))
		for gen := from + 1; gen <= sc.after.Generation; gen++ {
			for id := range churn[gen] {
				loose[id] = true
			}
		}
		if len(loose) == 0 {
			tally.exact++
		} else {
			tally.churned++
			tally.loose += len(loose)
		}
	}
	if d := fleetDiff(sc.statuses[r.name], want, loose); len(d) > 0 {
		problems = append(problems, fmt.Sprintf("%s: %s (ecs_up %g) differs from the stand-in in %d instances: %v", at, r.name, sc.up[r.name], len(d), d[:min(5, len(d))]))
	}
	return problems
}

// checkCounted asserts that every region's downs were counted: each scrape
// that gave up on a region counts its own timeout.
func (s *soak) checkCounted(downs map[string]int, errs map[string]float64) {
	s.t.Helper()
	counted := map[string]float64{}
	for key, v := range errs {
		var region, code string
		fmt.Sscan(key, &region, &code)
		counted[region] += v
	}
	for region, n := range downs {
		if counted[region] < float64(n) {
			s.t.Errorf("%s was down in %d scrapes, but ecs_scrape_errors_total counts %g", region, n, counted[region])
		}
	}
}
