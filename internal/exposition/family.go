package exposition

import (
	"bufio"
	"math"
	"strconv"
	"strings"
)

// Family writes the series of one metric family: a name and its label names,
// in the order their values are given to WriteSeries. It reuses one line
// buffer, so it is not safe for concurrent use; make one per response.
type Family struct {
	name   string
	labels []string
	line   []byte
}

// NewFamily returns a Family named name whose series carry labels, in order.
func NewFamily(name string, labels ...string) *Family {
	return &Family{name: name, labels: labels}
}

// WriteHeader writes the family's HELP and TYPE lines; typ is a text-format
// type such as "gauge" or "counter".
func (f *Family) WriteHeader(w *bufio.Writer, help, typ string) {
	w.WriteString("# HELP ")
	w.WriteString(f.name)
	w.WriteByte(' ')
	w.WriteString(EscapeHelp(help))
	w.WriteString("\n# TYPE ")
	w.WriteString(f.name)
	w.WriteByte(' ')
	w.WriteString(typ)
	w.WriteByte('\n')
}

// WriteSeries writes one series line: the family's name, its labels with
// values (escaped), and value. It panics unless there is one value per
// label name. Write errors stay in w and show at its next Flush.
func (f *Family) WriteSeries(w *bufio.Writer, value float64, values ...string) {
	if len(values) != len(f.labels) {
		panic("exposition: " + f.name + ": " + strconv.Itoa(len(values)) + " label values for " + strconv.Itoa(len(f.labels)) + " labels")
	}
	b := append(f.line[:0], f.name...)
	for i, name := range f.labels {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = append(b, name...)
		b = append(b, `="`...)
		b = AppendLabelValue(b, values[i])
		b = append(b, '"')
	}
	if len(f.labels) > 0 {
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = AppendValue(b, value)
	b = append(b, '\n')
	w.Write(b)
	f.line = b
}

// AppendLabelValue appends s escaped as a label value: backslash, double
// quote and line feed.
func AppendLabelValue(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "\\\"\n") {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, `\\`...)
		case '"':
			b = append(b, `\"`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// AppendValue appends a sample value as the text format spells it: "+Inf",
// "-Inf", "NaN", or the shortest decimal that reads back as v.
func AppendValue(b []byte, v float64) []byte {
	switch {
	case v == 1:
		return append(b, '1')
	case v == 0:
		return append(b, '0')
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// helpEscaper escapes HELP text: backslash and line feed.
var helpEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`)

// EscapeHelp escapes HELP text for the text format: backslash and line feed.
func EscapeHelp(s string) string { return helpEscaper.Replace(s) }
