// Package app is the exporter's wiring room: from a validated
// options.Options it builds the accounts (the default one of the flags, or
// of the demo's simulator, and the /probe accounts of --config.file, each
// with its credential and API client), keeps --aliyun.region=all's regions
// fresh, starts and stops the --demo simulator, and puts the registry, the
// /metrics and /probe handlers, the landing and status pages
// (internal/statuspage) and, with --web.enable-pprof, /debug/pprof/ on one
// mux. Run serves that mux until the context ends (SIGINT or SIGTERM in
// main), lets the scrapes in flight finish, then closes everything it
// opened.
//
// The business of the exporter lives elsewhere: the API calls in aliyun,
// the sweep and metrics in collector, the flags in internal/options.
package app
