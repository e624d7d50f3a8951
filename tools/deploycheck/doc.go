// Package deploycheck checks the files in deploy/: every YAML file parses,
// Kubernetes objects decode strictly into their API types, both kustomize
// variants build into objects that keep the promises of issue #3 (non-root,
// read-only root filesystem, probes, resources, RRSA without a Secret), and
// the PrometheusRule is the generated copy of the Prometheus rule files.
// promtool, amtool and systemd-analyze checks run in e2e/.
package deploycheck
