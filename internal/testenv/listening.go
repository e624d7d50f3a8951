package testenv

import (
	"fmt"
	"regexp"
	"testing"
	"time"
)

// Listening matches the exporter's "Listening on" log line, in logfmt with
// or without quotes; its first group is the loopback address.
var Listening = regexp.MustCompile(`msg="?Listening on"? address=(127\.0\.0\.1:\d+)`)

// ListenAddress returns the address of the first "Listening on" line in log.
func ListenAddress(log string) (string, bool) {
	m := Listening.FindStringSubmatch(log)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// WaitLog polls log for up to 30 seconds until re matches and returns the
// match. It fails the test if nothing is received from exited first, or if
// the deadline passes.
func WaitLog[T any](tb testing.TB, log fmt.Stringer, re *regexp.Regexp, exited <-chan T) []string {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(log.String()); m != nil {
			return m
		}
		select {
		case v := <-exited:
			tb.Fatalf("exited (%v) before the log showed %s:\n%s", v, re, log)
		case <-time.After(10 * time.Millisecond):
		}
	}
	tb.Fatalf("the log did not show %s within 30s:\n%s", re, log)
	return nil
}

// WaitListening is WaitLog for the "Listening on" line; it returns the
// address.
func WaitListening[T any](tb testing.TB, log fmt.Stringer, exited <-chan T) string {
	tb.Helper()
	return WaitLog(tb, log, Listening, exited)[1]
}
