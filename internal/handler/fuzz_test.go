package handler_test

// FuzzScrapeTimeout fuzzes the one value the handlers parse from outside:
// Prometheus's X-Prometheus-Scrape-Timeout-Seconds header. `make fuzz` runs
// it briefly; see README, "Fuzzing", for a longer run.

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
)

// headerDeadline is the deadline a header asks for, and whether it is
// usable: a number of seconds above zero and at most a day.
func headerDeadline(v string) (time.Duration, bool) {
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || !(secs > 0 && secs <= 24*3600) {
		return 0, false
	}
	return time.Duration(secs * float64(time.Second)), true
}

// FuzzScrapeTimeout: the deadline is always above zero; an unusable header
// gives the fallback; a usable one is never exceeded, and the offset is taken
// off only when the header leaves time after it.
func FuzzScrapeTimeout(f *testing.F) {
	for _, h := range []string{"", "10", "2.5", "0.4", "0.5", "86400", "86401", "soon", "-3", "0", "NaN", "+Inf", "1e-10", "1e-9", "0x1p-2", "1_0", " 10"} {
		f.Add(h, int64(30*time.Second), int64(500*time.Millisecond))
	}
	f.Fuzz(func(t *testing.T, v string, fallback, offset int64) {
		if fallback <= 0 || offset < 0 {
			return // the flags refuse these
		}
		h := http.Header{}
		h.Set("X-Prometheus-Scrape-Timeout-Seconds", v)
		got := handler.ScrapeTimeout(h, time.Duration(fallback), time.Duration(offset))
		want, usable := headerDeadline(h.Get("X-Prometheus-Scrape-Timeout-Seconds"))
		if usable && want <= 0 {
			usable = false // rounds to nothing: not a deadline either
		}
		bad := ""
		switch {
		case got <= 0:
			bad = "a deadline that has already passed"
		case !usable && got != time.Duration(fallback):
			bad = "not the fallback for an unusable header"
		case usable && got > want:
			bad = "longer than the header allows"
		case usable && want > time.Duration(offset) && got != want-time.Duration(offset):
			bad = "not the header less the offset"
		case usable && want <= time.Duration(offset) && got != want:
			bad = "not the whole header when it leaves no time for the offset"
		}
		if bad == "" {
			return
		}
		t.Fatalf("ScrapeTimeout(header %q, fallback %v, offset %v) = %v: %s", v, time.Duration(fallback), time.Duration(offset), got, bad)
	})
}

func TestScrapeTimeoutNeverGivesADeadlineThatHasPassed(t *testing.T) {
	var failed []string
	for _, v := range []string{"NaN", "nan", "-NaN", "1e-10", "0.0000000001"} {
		h := http.Header{}
		h.Set("X-Prometheus-Scrape-Timeout-Seconds", v)
		if got := handler.ScrapeTimeout(h, 30*time.Second, 500*time.Millisecond); got != 30*time.Second {
			failed = append(failed, v+" → "+got.String())
		}
	}
	if len(failed) > 0 {
		t.Fatalf("want the 30s fallback, got %v", failed)
	}
}
