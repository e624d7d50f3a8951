// Package tools holds the checks of deploy/ and dashboards/ that need heavy
// dependencies (Kubernetes and Prometheus Operator API types, kustomize, the
// Grafana Foundation SDK), kept out of the exporter's own module. The tests
// in its subpackages are run by `make test`.
package tools
