// Package testenv is the one home of the helpers that tests of several
// packages share: pinning the environment so that the vendor credential chain
// and the HTTP stack stay on this machine, starting the simulator and the
// exporter binary, detecting the "Listening on" log line, a buffer that a
// process writes while the test reads it, and parsing scraped series.
//
// Like kube-state-metrics' tests/e2e/framework it is an ordinary package, so
// that no helper is copied between test files. It never imports the vendor
// SDK.
package testenv
