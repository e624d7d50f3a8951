package collector

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HandlerOpts configures Handler.
type HandlerOpts struct {
	// Timeout bounds a scrape when Prometheus sends no
	// X-Prometheus-Scrape-Timeout-Seconds header.
	Timeout time.Duration
	// Offset is taken off the header's timeout, leaving time to encode and
	// send the response.
	Offset time.Duration
	// Gatherer holds the exporter's long-lived metrics (build info, Go and
	// process collectors, counters); it is gathered after the sweep so that
	// the counters include it.
	Gatherer prometheus.Gatherer
	// Logger receives encoding errors.
	Logger log.Logger
}

// Handler serves one scrape: it runs the sweep under the scrape's deadline
// and exposes its result together with opts.Gatherer.
func Handler(e *Exporter, opts HandlerOpts) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = log.NewNopLogger()
	}
	errLog := promLogger{logger}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ScrapeTimeout(r.Header, opts.Timeout, opts.Offset))
		defer cancel()
		reg := prometheus.NewRegistry()
		if err := reg.Register(e.ScrapeCollector(ctx)); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		gatherers := prometheus.Gatherers{reg}
		if opts.Gatherer != nil {
			gatherers = append(gatherers, opts.Gatherer)
		}
		promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{
			ErrorLog:      errLog,
			ErrorHandling: promhttp.ContinueOnError,
		}).ServeHTTP(w, r)
	})
}

// ScrapeTimeout is the header's X-Prometheus-Scrape-Timeout-Seconds less
// offset (or the whole header value if it is not larger than offset), and
// fallback when the header is absent or unusable.
func ScrapeTimeout(h http.Header, fallback, offset time.Duration) time.Duration {
	v := h.Get("X-Prometheus-Scrape-Timeout-Seconds")
	if v == "" {
		return fallback
	}
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || secs <= 0 || secs > 24*3600 {
		return fallback
	}
	t := time.Duration(secs * float64(time.Second))
	if t > offset {
		t -= offset
	}
	return t
}

type promLogger struct{ l log.Logger }

func (p promLogger) Println(v ...any) {
	level.Error(p.l).Log("msg", "serving metrics", "err", v)
}
