package aliyun

import (
	"fmt"
	"strings"
)

// ZoneRegion returns the region among regions that zone belongs to. A zone
// ID is its region ID followed by a zone letter, with or without a dash:
// cn-hangzhou-h belongs to cn-hangzhou, eu-central-1a to eu-central-1. The
// longest matching region wins, so cn-shanghai-finance-1a is never taken for
// cn-shanghai. The error names the zone and the regions; the caller adds
// where they came from (a flag, a file).
func ZoneRegion(zone string, regions []string) (string, error) {
	best := ""
	for _, r := range regions {
		if len(r) > len(best) && isZoneOf(zone, r) {
			best = r
		}
	}
	if best == "" {
		return "", fmt.Errorf("zone %q belongs to none of the configured regions (%s); configure its region too",
			zone, strings.Join(regions, ", "))
	}
	return best, nil
}

func isZoneOf(zone, region string) bool {
	rest, ok := strings.CutPrefix(zone, region)
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "-")
	if len(rest) < 1 || len(rest) > 2 || rest[0] < 'a' || rest[0] > 'z' {
		return false
	}
	for i := 1; i < len(rest); i++ {
		if (rest[i] < 'a' || rest[i] > 'z') && (rest[i] < '0' || rest[i] > '9') {
			return false
		}
	}
	return true
}

// AssignZones maps each zone to its region (see ZoneRegion), keeping the
// order the zones were given and dropping repeats.
func AssignZones(zones, regions []string) (map[string][]string, error) {
	out := make(map[string][]string)
	seen := make(map[string]bool, len(zones))
	for _, z := range zones {
		if seen[z] {
			continue
		}
		seen[z] = true
		r, err := ZoneRegion(z, regions)
		if err != nil {
			return nil, err
		}
		out[r] = append(out[r], z)
	}
	return out, nil
}
