package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	dto "github.com/prometheus/client_model/go"
)

// waitForSeries scrapes url until family has want series, and returns that
// scrape, parsed and as served, and how many scrapes it took.
func waitForSeries(t *testing.T, url, family string, want int) (map[string]*dto.MetricFamily, []byte, int) {
	t.Helper()
	var mfs map[string]*dto.MetricFamily
	body, scrapes := scrapeUntil(t, url, func(body []byte) error {
		mfs = testenv.Parse(t, body)
		if got := len(mfs[family].GetMetric()); got != want {
			return fmt.Errorf("%s has %d series, want %d", family, got, want)
		}
		return nil
	})
	return mfs, body, scrapes
}

func TestInfoMetricCarriesEscapedNamesAndAllowlistedTags(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 60, 31)
	fleet[0].Name = `checkout-db-2 "primary" \ 主库`
	fleet[1].Name = "web\nfront"
	fleet[2].Tags = map[string]string{"team": `pay"ments\`, "cost-center": "ünïcode", "secret-tag": "not exported"}
	exp := startOnAccount(t, map[string][]simulator.Instance{"cn-hangzhou": fleet}, keyEnv(t),
		"--aliyun.region=cn-hangzhou", "--collector.info", "--collector.info.tags=team,cost-center")

	mfs, body, _ := waitForSeries(t, exp.URL+"/metrics", "ecs_instance_info", len(fleet))
	got := map[string]map[string]string{}
	for _, m := range mfs["ecs_instance_info"].GetMetric() {
		l := testenv.Labels(m)
		got[l["instance_id"]] = l
		if testenv.Value(m) != 1 {
			t.Errorf("%s: info value %g", l["instance_id"], testenv.Value(m))
		}
	}
	for _, in := range fleet {
		l := got[in.ID]
		want := map[string]string{
			"instance_id": in.ID, "region": "cn-hangzhou", "zone": in.Zone, "instance_name": in.Name,
			"instance_type": in.Type, "tag_team": in.Tags["team"], "tag_cost_center": in.Tags["cost-center"],
		}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("%s: %s = %q, want %q", in.ID, k, l[k], v)
			}
		}
		if _, leaked := l["tag_secret_tag"]; leaked {
			t.Errorf("%s: a tag outside the allowlist became a label", in.ID)
		}
	}
	if !strings.Contains(mfs["ecs_instance_info"].GetHelp(), "Cached") {
		t.Errorf("HELP does not say the data is cached: %q", mfs["ecs_instance_info"].GetHelp())
	}
	promtoolCheckMetrics(t, body)
}

func TestRegionAllDiscoversTheAccountsRegions(t *testing.T) {
	regions := map[string][]simulator.Instance{
		"cn-hangzhou":    simulator.GenerateFleet("cn-hangzhou", 7, 1),
		"ap-southeast-1": simulator.GenerateFleet("ap-southeast-1", 5, 2),
		"eu-central-1":   {},
	}
	exp := startOnAccount(t, regions, keyEnv(t), "--aliyun.region=all")
	code, body := scrape(t, exp.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", code)
	}
	up := testenv.Series(testenv.Parse(t, body), "ecs_up", "region")
	var got []string
	for r, v := range up {
		got = append(got, r)
		if v != 1 {
			t.Errorf("ecs_up{region=%q} = %g", r, v)
		}
	}
	slices.Sort(got)
	if want := []string{"ap-southeast-1", "cn-hangzhou", "eu-central-1"}; !slices.Equal(got, want) {
		t.Errorf("discovered regions %v, want %v", got, want)
	}
}

func TestProbeIsExactForTwoAccountsWithDifferentKeys(t *testing.T) {
	regions := []string{"cn-hangzhou", "eu-central-1"}
	configFile, env, fleets := twoAccounts(t, regions)
	exp := startExporter(t, env, "--config.file="+configFile)

	for acct, byRegion := range fleets {
		for _, region := range regions {
			code, body := scrape(t, fmt.Sprintf("%s/probe?region=%s&account=%s", exp.URL, region, acct))
			if code != http.StatusOK {
				t.Fatalf("probe %s %s: %d\n%s", acct, region, code, body)
			}
			mfs := testenv.Parse(t, body)
			if up := testenv.Series(mfs, "ecs_up", "region"); len(up) != 1 || up[region] != 1 {
				t.Errorf("probe %s %s: ecs_up = %v, want only %s at 1", acct, region, up, region)
			}
			status := testenv.Series(mfs, "ecs_instance_status", "instance_id", "region", "status")
			checkFleet(t, status, region, byRegion[region])
			if n := len(status); n != len(byRegion[region])*len(knownStatuses) {
				t.Errorf("probe %s %s: %d series, want %d", acct, region, n, len(byRegion[region])*len(knownStatuses))
			}
			promtoolCheckMetrics(t, body)
		}
	}
	// Two more probes of one account: each account's calls are counted
	// under its own name, not added together.
	for range 2 {
		if code, body := scrape(t, exp.URL+"/probe?region=cn-hangzhou&account=shop"); code != http.StatusOK {
			t.Fatalf("probe shop cn-hangzhou: %d\n%s", code, body)
		}
	}
	// The exporter's own metrics stay on /metrics, which has no fleet here.
	code, body := scrape(t, exp.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d", code)
	}
	mfs := testenv.Parse(t, body)
	if _, ok := mfs["ecs_instance_status"]; ok {
		t.Error("/metrics carries instance series without --aliyun.region")
	}
	reqs := testenv.Series(mfs, "ecs_api_requests_total", "account", "action", "region", "code")
	for key, want := range map[string]float64{
		"shop DescribeInstanceStatus cn-hangzhou OK":  3,
		"bank DescribeInstanceStatus cn-hangzhou OK":  1,
		"shop DescribeInstanceStatus eu-central-1 OK": 1,
		"bank DescribeInstanceStatus eu-central-1 OK": 1,
	} {
		if reqs[key] != want {
			t.Errorf("ecs_api_requests_total{account action region code=%q} = %v, want %v (each account counted on its own); all: %v", key, reqs[key], want, reqs)
		}
	}
	t.Logf("ecs_api_requests_total per account: shop cn-hangzhou %v, bank cn-hangzhou %v", reqs["shop DescribeInstanceStatus cn-hangzhou OK"], reqs["bank DescribeInstanceStatus cn-hangzhou OK"])
	// Bad probes say what is wrong.
	for query, want := range map[string]string{
		"region=cn-hangzhou&account=nobody": "unknown account",
		"region=us-west-1&account=shop":     "not configured for account",
		"account=shop":                      "region parameter is missing",
	} {
		code, body := scrape(t, exp.URL+"/probe?"+query)
		if code != http.StatusBadRequest || !strings.Contains(string(body), want) {
			t.Errorf("/probe?%s: %d %q, want 400 saying %q", query, code, body, want)
		}
	}
}
