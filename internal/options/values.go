package options

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
)

// checkedValue is a kingpin.Value whose parse error names the flag and what
// it accepts, which kingpin's own typed flags do not.
type checkedValue[T any] struct {
	name  string
	dst   *T
	parse parser[T]
}

// parser turns a flag's text into a value, or says what it accepts.
type parser[T any] struct {
	accepts string
	parse   func(string) (T, bool)
}

// Set implements kingpin.Value.
func (v *checkedValue[T]) Set(s string) error {
	x, ok := v.parse.parse(s)
	if !ok {
		return fmt.Errorf("--%s=%q: must be %s", v.name, s, v.parse.accepts)
	}
	*v.dst = x
	return nil
}

// String implements kingpin.Value.
func (v *checkedValue[T]) String() string { return fmt.Sprint(*v.dst) }

// flagVar defines a flag whose value p checks as kingpin parses it.
func flagVar[T any](a *kingpin.Application, name, help, def string, dst *T, p parser[T]) {
	a.Flag(name, help).Default(def).SetValue(&checkedValue[T]{name: name, dst: dst, parse: p})
}

func oneOf(values ...string) parser[string] {
	return parser[string]{"one of " + strings.Join(values, ", "), func(s string) (string, bool) {
		return s, slices.Contains(values, s)
	}}
}

func intIn(lo, hi int) parser[int] {
	return parser[int]{fmt.Sprintf("a whole number from %d to %d", lo, hi), func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi
	}}
}

var nonNegativeFloat = parser[float64]{"a number, 0 or more", func(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && f >= 0 && !math.IsInf(f, 0)
}}

func duration(zeroOK bool) parser[time.Duration] {
	accepts := "a duration above 0, e.g. 30s or 1m"
	if zeroOK {
		accepts = "a duration, 0 or more, e.g. 0s, 500ms or 5m"
	}
	return parser[time.Duration]{accepts, func(s string) (time.Duration, bool) {
		d, err := time.ParseDuration(s)
		return d, err == nil && (d > 0 || (zeroOK && d == 0))
	}}
}

// durationUpTo accepts a duration above 0 and at most hi; why says what
// the bound is.
func durationUpTo(hi time.Duration, why string) parser[time.Duration] {
	return parser[time.Duration]{fmt.Sprintf("a duration above 0 and at most %s (%s), e.g. 24h", hi, why), func(s string) (time.Duration, bool) {
		d, err := time.ParseDuration(s)
		return d, err == nil && d > 0 && d <= hi
	}}
}

var tagList = parser[[]string]{"comma-separated tag keys that become distinct tag_<key> labels, e.g. team,env", func(s string) ([]string, bool) {
	if s == "" {
		return nil, true
	}
	keys := strings.Split(s, ",")
	_, err := collector.TagLabels(keys)
	return keys, err == nil
}}
