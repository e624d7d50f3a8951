package statuspage

import (
	"testing"
	"time"
)

func TestDurationsAndAgesReadAsPeopleWriteThem(t *testing.T) {
	for in, want := range map[string]string{"85ms": "85ms", "1.234s": "1.2s", "42.6s": "43s", "3m4.4s": "3m4s", "2h5m40s": "2h6m0s", "-1s": "0s"} {
		d, _ := time.ParseDuration(in)
		if got := span(d); got != want {
			t.Errorf("span(%s) = %s, want %s", in, got, want)
		}
	}
}
