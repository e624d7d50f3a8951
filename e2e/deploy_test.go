package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run runs a command and returns its standard output and error, or fails
// the test with them if it fails.
func run(t *testing.T, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	var o, e strings.Builder
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, o.String(), e.String())
	}
	return o.String(), e.String()
}

func TestPromtoolAcceptsTheShippedConfigRulesAndRuleTests(t *testing.T) {
	t.Parallel()
	promtool := lookTool(t, "promtool", "prometheus")
	out, _ := run(t, promtool, "check", "config", repoPath(t, "deploy/prometheus/prometheus.yml"))
	if !strings.Contains(out, "2 rule files found") {
		t.Errorf("promtool check config did not find both rule files:\n%s", out)
	}
	// Any other Prometheus configuration shipped beside it.
	files, err := filepath.Glob(repoPath(t, "deploy/prometheus/*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		rel := "deploy/prometheus/" + filepath.Base(f)
		if _, ok := get(readYAML(t, rel), "scrape_configs"); ok && rel != "deploy/prometheus/prometheus.yml" {
			run(t, promtool, "check", "config", f)
		}
	}
	out, _ = run(t, promtool, "check", "rules",
		repoPath(t, "deploy/prometheus/recording-rules.yml"), repoPath(t, "deploy/prometheus/alerts.yml"))
	if !strings.Contains(out, "SUCCESS: 6 rules found") || !strings.Contains(out, "SUCCESS: 11 rules found") {
		t.Errorf("promtool check rules: want 6 recording rules and 11 alerts:\n%s", out)
	}
	tests, err := filepath.Glob(repoPath(t, "deploy/prometheus/tests/*.yml"))
	if err != nil || len(tests) < 2 {
		t.Fatalf("rule tests: %v %v", tests, err)
	}
	out, _ = run(t, promtool, append([]string{"test", "rules"}, tests...)...)
	if strings.Count(out, "SUCCESS") != len(tests) {
		t.Errorf("promtool test rules:\n%s", out)
	}
}

// Every shipped alert reaches the receiver its severity promises.
func TestAlertmanagerConfigRoutesEachAlertBySeverity(t *testing.T) {
	amtool := lookTool(t, "amtool", "prometheus-alertmanager")
	config := repoPath(t, "deploy/alertmanager/alertmanager.yml")
	run(t, amtool, "check-config", config)
	receiver := map[string]string{"critical": "ecs-pager", "warning": "ecs-tickets"}
	const rel = "deploy/prometheus/alerts.yml"
	groups, _ := get(readYAML(t, rel), "groups")
	alerts := 0
	for _, g := range list(t, groups, rel+" groups") {
		rules, _ := get(mapping(t, g, "a group"), "rules")
		for _, r := range list(t, rules, "rules") {
			rule := mapping(t, r, "a rule")
			name, ok := get(rule, "alert")
			if !ok {
				continue
			}
			alerts++
			labels, _ := get(rule, "labels")
			severity, _ := get(mapping(t, labels, fmt.Sprint(name, " labels")), "severity")
			want, ok := receiver[fmt.Sprint(severity)]
			if !ok {
				t.Errorf("%v: severity %q is neither critical nor warning", name, severity)
				continue
			}
			got, _ := run(t, amtool, "config", "routes", "test", "--config.file="+config,
				fmt.Sprint("alertname=", name), fmt.Sprint("severity=", severity), "region=cn-hangzhou")
			got = strings.TrimSpace(got)
			if got != want {
				t.Errorf("%v (severity %v) routes to %q, want %q", name, severity, got, want)
			}
		}
	}
	if alerts != 11 {
		t.Errorf("%s has %d alerts, want 11", rel, alerts)
	}
}

// The unit file is valid for systemd and its hardening scores as exposure
// 1.5 or less on systemd-analyze's 0 (locked down) to 10 (unprotected) scale.
func TestSystemdUnitIsValidAndHardened(t *testing.T) {
	analyze := lookTool(t, "systemd-analyze", "systemd")
	unit, err := os.ReadFile(repoPath(t, "deploy/systemd/aliyun_ecs_exporter.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
		"EnvironmentFile=/etc/aliyun_ecs_exporter/aliyun_ecs_exporter.env"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %q", strings.TrimSpace(want))
		}
	}
	// verify checks that ExecStart's program exists: point it at the
	// binary under test.
	const installed = "/usr/local/bin/aliyun_ecs_exporter"
	if !strings.Contains(string(unit), "ExecStart="+installed+" ") {
		t.Fatalf("ExecStart does not run %s", installed)
	}
	path := filepath.Join(t.TempDir(), "aliyun_ecs_exporter.service")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(unit), installed, binary)), 0o644); err != nil {
		t.Fatal(err)
	}
	// verify only warns about unknown keys, so any output is a failure.
	if stdout, stderr := run(t, analyze, "verify", path); strings.TrimSpace(stdout+stderr) != "" {
		t.Errorf("systemd-analyze verify:\n%s%s", stdout, stderr)
	}
	out, err := exec.Command(analyze, "security", "--offline=true", "--threshold=15", "--no-pager", path).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("systemd-analyze security: %s", lines[len(lines)-1])
	if err != nil {
		t.Errorf("systemd-analyze security --threshold=15: %v\n%s", err, out)
	}
}
