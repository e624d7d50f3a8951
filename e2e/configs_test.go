package e2e

import (
	"fmt"
	"os"
	"testing"
	"time"

	"go.yaml.in/yaml/v2"
)

// The end-to-end stack runs the shipped configuration files, changed only
// where a test must: addresses, and times short enough to watch. These
// helpers make those changes on the parsed files, so that a change to a
// shipped file reaches the test without anyone copying it by hand.

// readYAML parses a shipped YAML file, keeping the order of its keys.
func readYAML(t *testing.T, rel string) yaml.MapSlice {
	t.Helper()
	data, err := os.ReadFile(repoPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.MapSlice
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc
}

// writeYAML writes doc to a file in dir and returns its path.
func writeYAML(t *testing.T, dir, name string, doc any) string {
	t.Helper()
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := dir + "/" + name
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// get returns the value of key in a mapping.
func get(m yaml.MapSlice, key string) (any, bool) {
	for _, it := range m {
		if it.Key == key {
			return it.Value, true
		}
	}
	return nil, false
}

// set sets key in a mapping, adding it at the end if it is missing.
func set(m yaml.MapSlice, key string, v any) yaml.MapSlice {
	for i := range m {
		if m[i].Key == key {
			m[i].Value = v
			return m
		}
	}
	return append(m, yaml.MapItem{Key: key, Value: v})
}

// mapping asserts that v is a YAML mapping.
func mapping(t *testing.T, v any, what string) yaml.MapSlice {
	t.Helper()
	m, ok := v.(yaml.MapSlice)
	if !ok {
		t.Fatalf("%s is not a mapping: %#v", what, v)
	}
	return m
}

// list asserts that v is a YAML sequence.
func list(t *testing.T, v any, what string) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("%s is not a list: %#v", what, v)
	}
	return l
}

// alertRulesWithFor returns the shipped alert rules with the `for` of each
// alert in fors replaced, and each one's shipped `for`.
func alertRulesWithFor(t *testing.T, fors map[string]time.Duration) (yaml.MapSlice, map[string]string) {
	t.Helper()
	const rel = "deploy/prometheus/alerts.yml"
	doc := readYAML(t, rel)
	groups, _ := get(doc, "groups")
	shipped := map[string]string{}
	for _, g := range list(t, groups, rel+" groups") {
		rules, _ := get(mapping(t, g, "a group"), "rules")
		for _, r := range list(t, rules, "a group's rules") {
			rule := mapping(t, r, "a rule")
			name, _ := get(rule, "alert")
			d, ok := fors[fmt.Sprint(name)]
			if !ok {
				continue
			}
			old, ok := get(rule, "for")
			if !ok {
				t.Fatalf("%s: %s has no for", rel, name)
			}
			if _, twice := shipped[fmt.Sprint(name)]; twice {
				t.Fatalf("%s: %s twice", rel, name)
			}
			shipped[fmt.Sprint(name)] = fmt.Sprint(old)
			set(rule, "for", d.String())
		}
	}
	for alert := range fors {
		if shipped[alert] == "" {
			t.Fatalf("%s has no alert %s", rel, alert)
		}
	}
	return doc, shipped
}

// prometheusConfig returns the shipped Prometheus configuration pointed at
// the exporter, the rule files and Alertmanager given, scraping and
// evaluating every interval.
func prometheusConfig(t *testing.T, exporter, alertmanager string, ruleFiles []string, interval time.Duration) (yaml.MapSlice, string) {
	t.Helper()
	const rel = "deploy/prometheus/prometheus.yml"
	doc := readYAML(t, rel)
	global, _ := get(doc, "global")
	g, _ := global.(yaml.MapSlice)
	g = set(g, "scrape_interval", interval.String())
	g = set(g, "evaluation_interval", interval.String())
	doc = set(doc, "global", g)
	doc = set(doc, "rule_files", ruleFiles)
	doc = set(doc, "alerting", yaml.MapSlice{{Key: "alertmanagers", Value: []any{
		yaml.MapSlice{{Key: "static_configs", Value: []any{yaml.MapSlice{{Key: "targets", Value: []string{alertmanager}}}}}},
	}}})
	scrapes, _ := get(doc, "scrape_configs")
	var job string
	scrapeList := list(t, scrapes, rel+" scrape_configs")
	for i, s := range scrapeList {
		sc := mapping(t, s, "a scrape config")
		name, _ := get(sc, "job_name")
		if job != "" {
			t.Fatalf("%s: more than one scrape job; the test knows only how to point one at the exporter", rel)
		}
		job = fmt.Sprint(name)
		sc = set(sc, "scrape_interval", interval.String())
		sc = set(sc, "scrape_timeout", interval.String())
		scrapeList[i] = set(sc, "static_configs", []any{yaml.MapSlice{{Key: "targets", Value: []string{exporter}}}})
	}
	if job == "" {
		t.Fatalf("%s has no scrape job", rel)
	}
	return doc, job
}

// alertmanagerConfig returns the shipped Alertmanager configuration with
// every webhook sent to webhook/<receiver> and every route's waits set to
// wait.
func alertmanagerConfig(t *testing.T, webhook string, wait time.Duration) yaml.MapSlice {
	t.Helper()
	const rel = "deploy/alertmanager/alertmanager.yml"
	doc := readYAML(t, rel)
	route, _ := get(doc, "route")
	doc = set(doc, "route", shortenRoute(t, mapping(t, route, rel+" route"), wait))
	receivers, _ := get(doc, "receivers")
	for _, r := range list(t, receivers, rel+" receivers") {
		rc := mapping(t, r, "a receiver")
		name, _ := get(rc, "name")
		for _, it := range rc {
			switch it.Key {
			case "name":
			case "webhook_configs":
				hooks := list(t, it.Value, "webhook_configs")
				for i, w := range hooks {
					hooks[i] = set(mapping(t, w, "a webhook config"), "url", fmt.Sprintf("%s/%s", webhook, name))
				}
			default:
				t.Fatalf("%s: receiver %v has %v; the test can redirect only webhook_configs", rel, name, it.Key)
			}
		}
	}
	return doc
}

// shortenRoute sets group_wait and group_interval of a route and of every
// child route that sets its own.
func shortenRoute(t *testing.T, route yaml.MapSlice, wait time.Duration) yaml.MapSlice {
	t.Helper()
	for _, key := range []string{"group_wait", "group_interval"} {
		if _, ok := get(route, key); ok {
			route = set(route, key, wait.String())
		}
	}
	if children, ok := get(route, "routes"); ok {
		routes := list(t, children, "routes")
		for i, c := range routes {
			routes[i] = shortenRoute(t, mapping(t, c, "a route"), wait)
		}
	}
	return route
}
