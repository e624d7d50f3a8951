package simulator

import (
	"net/url"
	"testing"
)

// The four list actions read a call's page with one reader (paging.go),
// which checks RegionId before anything else; each action's own test holds
// the checks of its other parameters.
func TestEveryListActionNeedsAKnownRegion(t *testing.T) {
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{"cn-hangzhou": nil}})
	tests := []rejection[url.Values]{
		{"a missing RegionId is MissingRegionId", nil, "MissingRegionId", 400},
		{"an unknown region is InvalidRegionId.NotFound", url.Values{"RegionId": {"xx-nowhere-1"}}, "InvalidRegionId.NotFound", 404},
	}
	for _, action := range []string{"DescribeInstanceStatus", "DescribeInstances", "DescribeInstancesFullStatus", "DescribeInstanceHistoryEvents"} {
		for _, tt := range tests {
			t.Run(action+": "+tt.name, func(t *testing.T) {
				res := send(t, newV3Request(t, endpoint, rawV3{action: action, query: tt.q}))
				if res.err != nil || res.status != tt.wantStatus || res.code() != tt.wantCode {
					t.Errorf("got %d %q (%v), want %d %s", res.status, res.code(), res.err, tt.wantStatus, tt.wantCode)
				}
			})
		}
	}
}
