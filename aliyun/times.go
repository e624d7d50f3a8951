package aliyun

import "time"

// apiTimeLayouts are the time formats the ECS API writes: events to the
// second (yyyy-MM-ddTHH:mm:ssZ), ExpiredTime to the minute
// (yyyy-MM-ddTHH:mmZ). RFC 3339 also reads fractions and offsets.
var apiTimeLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00"}

// parseAPITime reads a time the API wrote, in UTC; zero when s is empty,
// in no format the API uses, or (through its offset) outside years
// 1..9999.
func parseAPITime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range apiTimeLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if t = t.UTC(); t.Year() < 1 || t.Year() > 9999 {
			return time.Time{}
		}
		return t
	}
	return time.Time{}
}

// placeholderYear is where the API's far-future ExpiredTime placeholders
// start (2099-12-31T15:59Z in vendor samples): no subscription runs so
// long.
const placeholderYear = 2099

// parseExpiry is a subscription's ExpiredTime: zero unless chargeType is
// PrePaid, and zero for a placeholder or an ExpiredTime that does not
// parse.
func parseExpiry(chargeType, expiredTime string) time.Time {
	if chargeType != "PrePaid" {
		return time.Time{}
	}
	t := parseAPITime(expiredTime)
	if t.Year() >= placeholderYear {
		return time.Time{}
	}
	return t
}
