// Command dashboard-linter runs the lint rules of the grafana/dashboard-linter
// pinned in go.mod on Grafana dashboard files, strictly: it exits 1 when any
// rule reports a warning or an error, as `dashboard-linter lint --strict`
// does, and prints the same report. It drives the upstream lint package
// itself instead of building the upstream command, whose --fix support
// (zeitlinger/conflate) pulls in Google Cloud Storage, google.golang.org/api
// and gRPC's xDS: about 300 more packages to download and compile for a
// flag we do not use.
//
// Usage: dashboard-linter dashboard.json...
//
// A .lint file beside a dashboard configures the rules for it, as upstream.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/grafana/dashboard-linter/lint"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dashboard-linter dashboard.json...")
		os.Exit(2)
	}
	clean := true
	for _, name := range os.Args[1:] {
		ok, err := lintFile(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "Error: %s: %v\n", name, err)
			os.Exit(2)
		}
		clean = clean && ok
	}
	if !clean {
		fmt.Fprintln(os.Stderr, "Error: there were linting errors, please see previous output")
		os.Exit(1)
	}
}

// lintFile lints one dashboard as the upstream `lint` command does (without
// --fix or --verbose), prints the report, and says whether no rule reported
// a warning or worse.
func lintFile(name string) (bool, error) {
	buf, err := os.ReadFile(name)
	if err != nil {
		return false, err
	}
	dashboard, err := lint.NewDashboard(buf)
	if err != nil {
		return false, fmt.Errorf("failed to parse dashboard: %v", err)
	}
	config := lint.NewConfigurationFile()
	if err := config.Load(filepath.Join(filepath.Dir(name), ".lint")); err != nil {
		return false, err
	}
	rules := lint.NewRuleSet()
	results, err := rules.Lint([]lint.Dashboard{dashboard})
	if err != nil {
		return false, fmt.Errorf("failed to lint dashboard: %v", err)
	}
	results.Configure(config)
	results.ReportByRule()
	return results.MaximumSeverity() < lint.Warning, nil
}
