package e2e

// The golden exposition: what the binary serves for a fixed simulated fleet,
// checked in as testdata/golden/metrics.txt, in the manner of
// node_exporter's collector/fixtures/e2e-output.txt. A change to any metric
// name, HELP text, label or value shows up as a diff of that file in review.
// Refresh it with:
//
//	go test -count=1 -run Golden ./e2e/ -update

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// update, set by -update, rewrites the golden file instead of comparing.
var update = flag.Bool("update", false, "rewrite testdata/golden/*.txt with what the exporter serves")

// goldenPath is the golden exposition, relative to e2e/.
const goldenPath = "testdata/golden/metrics.txt"

// goldenFleets are the fixed fleet: two healthy regions (the generator is
// deterministic for a region, size and seed) and cn-shanghai, which the
// simulated account does not have, so it fails with InvalidRegionId.NotFound.
func goldenFleets() map[string][]simulator.Instance {
	return map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 5, 41),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 3, 42),
	}
}

func TestGoldenExposition(t *testing.T) {
	fleets := goldenFleets()
	// A refresh of an hour keeps the failed info and event listings of
	// cn-shanghai from being retried (after a tenth of it) while the test runs.
	exp := startOnAccount(t, fleets, keyEnv(t),
		"--aliyun.region=cn-hangzhou", "--aliyun.region=cn-shanghai",
		"--aliyun.region=eu-central-1", "--collector.info", "--collector.info.tags=env",
		"--collector.info.refresh=1h", "--collector.health", "--collector.events", "--collector.events.refresh=1h")

	// Scrape until the background info listing has arrived for every
	// instance.
	_, body, scrapes := waitForSeries(t, exp.URL+"/metrics", "ecs_instance_info", len(fleets["cn-hangzhou"])+len(fleets["eu-central-1"]))
	got := normalizeExposition(t, body, scrapes)
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes, after %d scrapes)", goldenPath, len(got), scrapes)
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (write it with: go test -run Golden ./e2e/ -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the exposition differs from %s (if the change is meant, refresh it: go test -run Golden ./e2e/ -update):\n%s",
			goldenPath, lineDiff(string(want), string(got)))
	}
}

// The rules of normalizeExposition, by metric family name.
var (
	// goldenDropped are families left out: the Go runtime and the process.
	goldenDropped = []string{"go_", "process_"}
	// goldenTimed are families whose values are times or durations, or count
	// the scrapes served (promhttp counts a scrape after it is sent): each
	// value becomes <varies>.
	goldenTimed = []string{"ecs_scrape_duration_seconds", "ecs_last_success_timestamp_seconds",
		"ecs_api_request_duration_seconds", "promhttp_metric_handler_requests_total",
		"ecs_collector_last_success_timestamp_seconds"}
	// goldenBuild are families whose label values name the build: each label
	// value becomes <varies>.
	goldenBuild = []string{"aliyun_ecs_exporter_build_info"}
	// goldenPerScrape are the series that count sweeps: they are divided by
	// the number of scrapes the test made, since that depends on how soon
	// the background info listing arrived.
	goldenPerScrape = regexp.MustCompile(`^(ecs_scrape_errors_total|ecs_api_requests_total\{account="default",action="(DescribeInstanceStatus|DescribeInstancesFullStatus)")`)
)

// goldenHeader opens the golden file and says how it was made.
const goldenHeader = `# The exposition of a fixed simulated fleet, written by TestGoldenExposition
# (e2e/golden_test.go); refresh it with: go test -count=1 -run Golden ./e2e/ -update
# Normalised: go_* and process_* left out; times, durations and the histogram
# of request durations shown as <varies>, and so is the build; the counts of
# sweeps and of DescribeInstanceStatus calls shown per scrape.
`

// normalizeExposition applies the rules above to a scrape taken after
// scrapes scrapes.
func normalizeExposition(t *testing.T, body []byte, scrapes int) []byte {
	t.Helper()
	out := bytes.NewBufferString(goldenHeader)
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name := metricName(line)
		switch {
		case hasAnyPrefix(name, goldenDropped):
		case strings.HasPrefix(line, "#"):
			fmt.Fprintln(out, line)
		case hasAnyPrefix(name, goldenTimed):
			fmt.Fprintln(out, line[:strings.LastIndexByte(line, ' ')]+" <varies>")
		case hasAnyPrefix(name, goldenBuild):
			fmt.Fprintln(out, labelValue.ReplaceAllString(line, `="<varies>"`))
		case goldenPerScrape.MatchString(line):
			i := strings.LastIndexByte(line, ' ')
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			fmt.Fprintf(out, "%s %s\n", line[:i], strconv.FormatFloat(v/float64(scrapes), 'g', -1, 64))
		default:
			fmt.Fprintln(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// labelValue matches a label's value in a sample line.
var labelValue = regexp.MustCompile(`="(?:[^"\\]|\\.)*"`)

// metricName is the family or sample name a line of the text format is
// about: the third field of # HELP and # TYPE, else what comes before the
// labels or the value.
func metricName(line string) string {
	if f := strings.Fields(line); len(f) >= 3 && f[0] == "#" {
		return f[2]
	}
	if i := strings.IndexAny(line, "{ "); i >= 0 {
		return line[:i]
	}
	return line
}

// hasAnyPrefix reports whether s starts with one of prefixes.
func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// lineDiff lists the lines only in want (-) and only in got (+), in order.
func lineDiff(want, got string) string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	inWant, inGot := count(want), count(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if inGot[l] > 0 {
			inGot[l]--
		} else {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if inWant[l] > 0 {
			inWant[l]--
		} else {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	if b.Len() == 0 {
		return "(the same lines, in another order)"
	}
	return b.String()
}
