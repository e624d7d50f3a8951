package collector

import (
	"bufio"
	"strings"
)

// writeStatusFamily writes the ecs_instance_status family of res in the
// Prometheus text format (version 0.0.4).
//
// client_golang builds a Metric, then a protobuf, for every series before
// encoding it; at 100,000 instances that is 500,000 of each per scrape and
// seconds of CPU. The state sets are the bulk of every scrape and have one
// fixed shape, so they are written straight to the response: a handful of
// appends per series and no allocation per instance. Everything else still
// goes through the registry.
func (e *Exporter) writeStatusFamily(w *bufio.Writer, res *Result) error {
	w.WriteString("# HELP ecs_instance_status ")
	w.WriteString(escapeHelp(e.descs.statusHelp))
	w.WriteString("\n# TYPE ecs_instance_status gauge\n")
	var line []byte
	for _, r := range res.Regions {
		// Everything up to the instance ID is fixed per region.
		region := appendLabelValue(nil, r.Region)
		for _, in := range r.Instances {
			e.stateSet(r.Region, in, func(status string, v float64) {
				line = append(line[:0], `ecs_instance_status{instance_id="`...)
				line = appendLabelValue(line, in.ID)
				line = append(line, `",region="`...)
				line = append(line, region...)
				line = append(line, `",status="`...)
				line = appendLabelValue(line, status)
				if v == 1 {
					line = append(line, "\"} 1\n"...)
				} else {
					line = append(line, "\"} 0\n"...)
				}
				w.Write(line)
			})
		}
	}
	return w.Flush()
}

// appendLabelValue escapes a label value for the text format: backslash,
// double quote and line feed.
func appendLabelValue(b []byte, s string) []byte {
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

// escapeHelp escapes HELP text for the text format: backslash and line feed.
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}
