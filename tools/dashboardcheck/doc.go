// Package dashboardcheck checks dashboards/aliyun-ecs.json: strict decoding
// into the Grafana Foundation SDK's dashboard types, `dashboard-linter lint
// --strict`, and the panels the dashboard promises. That every query returns
// data from a live Prometheus is checked by the end-to-end tests in e2e/.
package dashboardcheck
