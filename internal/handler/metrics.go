package handler

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// Options configures Metrics and Prober.
type Options struct {
	// Timeout bounds a scrape when Prometheus sends no
	// X-Prometheus-Scrape-Timeout-Seconds header.
	Timeout time.Duration
	// Offset is taken off the header's timeout, leaving time to encode and
	// send the response.
	Offset time.Duration
	// Gatherer holds the exporter's long-lived metrics (build info, Go and
	// process collectors, counters); it is gathered after the sweep so that
	// the counters include it. Prober sets its own per request.
	Gatherer prometheus.Gatherer
	// Logger receives gathering and writing errors. Nil discards.
	Logger log.Logger
}

// Metrics returns the /metrics handler of e. Each request runs (or joins,
// or reuses) a sweep under the scrape's deadline, writes the instance
// families straight to the response (collector.Exporter's
// WriteInstanceFamilies), and encodes everything else (region health and
// opts.Gatherer) through client_golang. The response is the text format,
// uncompressed: compressing the tens of MB of a large fleet would cost more
// CPU than the whole sweep.
func Metrics(e *collector.Exporter, opts Options) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = log.NewNopLogger()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ScrapeTimeout(r.Header, opts.Timeout, opts.Offset))
		defer cancel()
		res := e.Sweep(ctx)

		// The sweep is over, so the long-lived counters already count it.
		reg := prometheus.NewRegistry()
		reg.MustRegister(e.HealthCollector(res))
		gatherers := prometheus.Gatherers{reg}
		if opts.Gatherer != nil {
			gatherers = append(gatherers, opts.Gatherer)
		}
		mfs, err := gatherers.Gather()
		if err != nil {
			// Like promhttp's ContinueOnError: serve what was gathered.
			level.Error(logger).Log("msg", "gathering metrics", "err", err)
		}

		w.Header().Set("Content-Type", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
		bw := bufio.NewWriterSize(w, 64<<10)
		if err := e.WriteInstanceFamilies(bw, res); err != nil {
			level.Debug(logger).Log("msg", "writing metrics", "err", err)
			return
		}
		for _, mf := range mfs {
			if _, err := expfmt.MetricFamilyToText(bw, mf); err != nil {
				level.Debug(logger).Log("msg", "writing metrics", "err", err)
				return
			}
		}
		if err := bw.Flush(); err != nil {
			level.Debug(logger).Log("msg", "writing metrics", "err", err)
		}
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
	if err != nil || !(secs > 0 && secs <= 24*3600) { // also refuses NaN
		return fallback
	}
	t := time.Duration(secs * float64(time.Second))
	if t <= 0 {
		return fallback
	}
	if t > offset {
		t -= offset
	}
	return t
}
