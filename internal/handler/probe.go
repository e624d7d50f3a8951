package handler

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultAccount is the account /probe uses when the request names none.
const DefaultAccount = "default"

// Account is one account /probe can target.
type Account struct {
	// Source is the account's API client.
	Source collector.Source
	// Regions returns the regions the account may be probed in.
	Regions func() []string
	// Options is the template for each probed region's Exporter; its
	// Regions are ignored.
	Options collector.Options
}

// Prober serves /probe?region=R[&account=A] the way blackbox_exporter
// serves /probe: every request gets a fresh registry holding only that
// account's region (ecs_instance_status, ecs_up, …, ecs_scrape_errors_total),
// so that many exporter replicas and Prometheus shards can split the
// targets. The exporter's own metrics stay on /metrics. Each (account,
// region) keeps its own Exporter, so concurrent probes of one target
// share a sweep, and the Account's CacheTTL and MaxStaleness apply per
// target.
type Prober struct {
	accounts map[string]*Account
	opts     Options

	mu        sync.Mutex
	exporters map[[2]string]*collector.Exporter
}

var _ http.Handler = (*Prober)(nil)

// NewProber returns a Prober for accounts, by name.
func NewProber(accounts map[string]*Account, opts Options) *Prober {
	return &Prober{accounts: accounts, opts: opts, exporters: map[[2]string]*collector.Exporter{}}
}

// ServeHTTP implements http.Handler.
func (p *Prober) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	region, name := q.Get("region"), q.Get("account")
	if name == "" {
		name = DefaultAccount
	}
	if region == "" {
		http.Error(w, "the region parameter is missing, e.g. /probe?region=cn-hangzhou&account=NAME", http.StatusBadRequest)
		return
	}
	acct, ok := p.accounts[name]
	if !ok {
		http.Error(w, fmt.Sprintf("unknown account %q; configured accounts: %s", name, strings.Join(p.names(), ", ")), http.StatusBadRequest)
		return
	}
	if regions := acct.Regions(); !slices.Contains(regions, region) {
		http.Error(w, fmt.Sprintf("region %q is not configured for account %q; it has: %s", region, name, strings.Join(regions, ", ")), http.StatusBadRequest)
		return
	}
	e := p.exporter(name, region, acct)
	reg := prometheus.NewRegistry()
	reg.MustRegister(e)
	opts := p.opts
	opts.Gatherer = reg
	Metrics(e, opts).ServeHTTP(w, r)
}

// exporter returns the Exporter of one (account, region), made on first use.
func (p *Prober) exporter(name, region string, acct *Account) *collector.Exporter {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := [2]string{name, region}
	if e, ok := p.exporters[key]; ok {
		return e
	}
	opts := acct.Options
	opts.Regions = []string{region}
	e := collector.New(acct.Source, opts)
	p.exporters[key] = e
	return e
}

// Target is an (account, region) that /probe has served, and its Exporter.
type Target struct {
	Account, Region string
	Exporter        *collector.Exporter
}

// Targets returns the targets probed so far, sorted by account, then
// region: for a status page, which may read their Exporters' Status.
func (p *Prober) Targets() []Target {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]Target, 0, len(p.exporters))
	for k, e := range p.exporters {
		out = append(out, Target{Account: k[0], Region: k[1], Exporter: e})
	}
	slices.SortFunc(out, func(a, b Target) int {
		return cmp.Or(strings.Compare(a.Account, b.Account), strings.Compare(a.Region, b.Region))
	})
	return out
}

// names are the account names, sorted.
func (p *Prober) names() []string {
	return slices.Sorted(maps.Keys(p.accounts))
}

// Close stops every probed Exporter.
func (p *Prober) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.exporters {
		e.Close()
	}
}
