// Package statuspage is the exporter's front room: the landing page at /
// and the status page at /status, server-rendered HTML that works without
// JavaScript. They show, per account and region, the last sweep (when, how
// long, pages, calls, throttled calls), ecs_up, the fleet by status, the
// age of the data served and the last error with its code and the API's
// message, the same for the optional collectors (health, events, info),
// and the recent failures; and say plainly when the data is the --demo
// simulator's.
//
// It reads what collector.Exporter.Status records and calls no API. Every
// value goes through html/template, which escapes it for where it stands;
// the messages come from aliyun.ErrorMessage, which holds no secret.
package statuspage

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
)

// Options configures the pages. Zero values show less, never break.
type Options struct {
	// Name, Description and Version head both pages.
	Name, Description, Version string
	// MetricsPath is --web.telemetry-path, linked from the landing page.
	MetricsPath string
	// Demo puts a banner on both pages: the data is simulated.
	Demo bool
	// Pprof links /debug/pprof/ from the landing page (--web.enable-pprof).
	Pprof bool
	// Links are more links for the landing page (an example probe per
	// account, say).
	Links []Link
	// Accounts returns the accounts to show, as they stand when a page is
	// asked for. Nil shows none.
	Accounts func() []Account
	// Now is the clock the ages are taken from; nil is time.Now.
	Now func() time.Time
}

// Link is a link of the landing page.
type Link struct {
	Address, Text string
}

// Account is one account's regions, as a page shows them.
type Account struct {
	// Name is the account's name: "default" for the flags' account, else
	// the --config.file name.
	Name string
	// Path is where its metrics are served: the telemetry path, or /probe.
	Path string
	// Regions are its regions' status, in the order to show.
	Regions []collector.RegionStatus
}

//go:embed templates/*.html
var templateFiles embed.FS

var (
	base        = template.Must(template.ParseFS(templateFiles, "templates/base.html"))
	landingPage = template.Must(template.Must(base.Clone()).ParseFS(templateFiles, "templates/landing.html"))
	statusPage  = template.Must(template.Must(base.Clone()).ParseFS(templateFiles, "templates/status.html"))
)

// Landing returns the handler of the landing page; it answers / and no
// other path (404), so that a link to anything else is plainly dead.
func Landing(o Options) http.Handler {
	return handler(o, "/", landingPage, o.Name)
}

// Status returns the handler of the status page, for /status.
func Status(o Options) http.Handler {
	return handler(o, "/status", statusPage, "Status: "+o.Name)
}

func handler(o Options, path string, t *template.Template, title string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		now := time.Now()
		if o.Now != nil {
			now = o.Now()
		}
		var accounts []Account
		if o.Accounts != nil {
			accounts = o.Accounts()
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, "page", build(&o, accounts, now, title)); err != nil {
			http.Error(w, "rendering the page: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		// No script of any kind, not even one that slipped past escaping.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		_, _ = w.Write(buf.Bytes())
	})
}
