package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"go.yaml.in/yaml/v2"
)

// shardConfig is the shipped deploy/prometheus/probe-sharding.yml for one
// shard, changed only where the test must: the targets, the shard number,
// the exporter's address, and a scrape interval short enough to watch.
func shardConfig(t *testing.T, shard int, targets []string, exporter string) yaml.MapSlice {
	t.Helper()
	doc := readYAML(t, "deploy/prometheus/probe-sharding.yml")
	global, _ := get(doc, "global")
	g := mapping(t, global, "global")
	g = set(g, "scrape_interval", "1s")
	g = set(g, "scrape_timeout", "1s")
	doc = set(doc, "global", g)

	scrapes, _ := get(doc, "scrape_configs")
	jobs := list(t, scrapes, "scrape_configs")
	job := mapping(t, jobs[0], "scrape_configs[0]")
	job = set(job, "static_configs", []any{yaml.MapSlice{{Key: "targets", Value: targets}}})
	rules, _ := get(job, "relabel_configs")
	var changed int
	for i, r := range list(t, rules, "relabel_configs") {
		rule := mapping(t, r, "relabel rule")
		action, _ := get(rule, "action")
		target, _ := get(rule, "target_label")
		switch {
		case action == "keep":
			rule = set(rule, "regex", fmt.Sprint(shard))
			changed++
		case target == "__address__":
			rule = set(rule, "replacement", exporter)
			changed++
		}
		list(t, rules, "relabel_configs")[i] = rule
	}
	if changed != 2 {
		t.Fatalf("probe-sharding.yml: found %d of the keep and __address__ rules, want 2", changed)
	}
	jobs[0] = job
	return doc
}

// queryVector runs an instant query and returns each sample's labels.
func queryVector(t *testing.T, prom, query string) []map[string]string {
	t.Helper()
	code, body := scrape(t, prom+"/api/v1/query?query="+url.QueryEscape(query))
	if code != http.StatusOK {
		t.Fatalf("query %s: %d %s", query, code, body)
	}
	var resp struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  []any             `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]string, len(resp.Data.Result))
	for i, r := range resp.Data.Result {
		out[i] = r.Metric
	}
	return out
}

func TestProbeShardingSplitsTargetsBetweenTwoPrometheusServers(t *testing.T) {
	t.Parallel()
	promBin := lookTool(t, "prometheus", "prometheus")
	regions := []string{"cn-hangzhou", "eu-central-1", "ap-southeast-1"}
	configFile, env, _ := twoAccounts(t, regions)
	exp := startExporter(t, env, "--config.file="+configFile)
	var targets []string
	for _, acct := range []string{"shop", "bank"} {
		for _, r := range regions {
			targets = append(targets, acct+"/"+r)
		}
	}

	servers := make([]string, 2)
	for shard := range servers {
		dir := t.TempDir()
		cfg := writeYAML(t, dir, "prometheus.yml", shardConfig(t, shard, targets, strings.TrimPrefix(exp.URL, "http://")))
		addr := freeAddr(t)
		d := startDaemon(t, fmt.Sprintf("prometheus shard %d", shard), nil, promBin,
			"--config.file="+cfg, "--web.listen-address="+addr, "--storage.tsdb.path="+dir+"/data")
		servers[shard] = "http://" + addr
		d.waitReady(t, servers[shard]+"/-/ready")
	}

	// Wait until every target has been scraped successfully somewhere.
	owner := map[string][]int{}
	err := testenv.Eventually(time.Minute, 500*time.Millisecond, func() error {
		clear(owner)
		for shard, prom := range servers {
			for _, m := range queryVector(t, prom, `ecs_up{job="ecs-probe"} == 1`) {
				target := m["account"] + "/" + m["region"]
				if m["instance"] != target {
					return fmt.Errorf("shard %d: series of %s carries instance %q", shard, target, m["instance"])
				}
				owner[target] = append(owner[target], shard)
			}
		}
		if len(owner) != len(targets) {
			return fmt.Errorf("%d of %d targets scraped so far: %v", len(owner), len(targets), owner)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	perShard := make([]int, len(servers))
	for _, target := range targets {
		shards := owner[target]
		if len(shards) != 1 {
			t.Errorf("%s is scraped by shards %v, want exactly one", target, shards)
			continue
		}
		perShard[shards[0]]++
	}
	// The targets are also where each shard's `up` says it scraped.
	for shard, prom := range servers {
		var ups []string
		for _, m := range queryVector(t, prom, `up{job="ecs-probe"}`) {
			ups = append(ups, m["instance"])
		}
		slices.Sort(ups)
		t.Logf("shard %d scrapes %d targets: %s", shard, len(ups), strings.Join(ups, ", "))
		if len(ups) != perShard[shard] {
			t.Errorf("shard %d has %d up series, but %d targets with data", shard, len(ups), perShard[shard])
		}
		if len(ups) == 0 {
			t.Errorf("shard %d got no target: the example splits nothing", shard)
		}
	}
}
