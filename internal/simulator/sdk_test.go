package simulator

import (
	"context"
	"reflect"
	"testing"
)

// These tests drive the vendor's own SDK against the simulator over
// loopback: the signatures it computes are checked as the real API would.

func TestTheSDKsSignaturesAreVerified(t *testing.T) {
	const region, oddZone = "cn-hangzhou", "cn-hangzhou-x y*~+"
	tests := []struct {
		name       string
		opts       clientOpts
		zone       string
		creds      map[string]Credential // default testCredentials()
		wantCode   string
		wantStatus int
	}{
		{name: "V3 with the right key succeeds"},
		{name: "V1 with the right key succeeds", opts: clientOpts{v1: true}},
		{name: "V3 with a zone that needs escaping still verifies", zone: oddZone},
		{name: "V1 with a zone that needs escaping still verifies", zone: oddZone, opts: clientOpts{v1: true}},
		{
			name:     "V3 with the wrong secret is SignatureDoesNotMatch",
			opts:     clientOpts{key: testKey, secret: "wrong"},
			wantCode: "SignatureDoesNotMatch", wantStatus: 400,
		},
		{
			name:     "V1 with the wrong secret is SignatureDoesNotMatch",
			opts:     clientOpts{key: testKey, secret: "wrong", v1: true},
			wantCode: "SignatureDoesNotMatch", wantStatus: 400,
		},
		{
			name:     "V3 with an unknown key is InvalidAccessKeyId.NotFound",
			opts:     clientOpts{key: "LTAIunknown", secret: testSecret},
			wantCode: "InvalidAccessKeyId.NotFound", wantStatus: 404,
		},
		{
			name:     "V1 with an unknown key is InvalidAccessKeyId.NotFound",
			opts:     clientOpts{key: "LTAIunknown", secret: testSecret, v1: true},
			wantCode: "InvalidAccessKeyId.NotFound", wantStatus: 404,
		},
		{name: "V3 with the right STS token succeeds", opts: clientOpts{key: stsKey, secret: stsSecret, token: stsToken}},
		{name: "V1 with the right STS token succeeds", opts: clientOpts{key: stsKey, secret: stsSecret, token: stsToken, v1: true}},
		{
			name:     "V3 with the wrong STS token is InvalidSecurityToken.Malformed",
			opts:     clientOpts{key: stsKey, secret: stsSecret, token: "other-token"},
			wantCode: "InvalidSecurityToken.Malformed", wantStatus: 400,
		},
		{
			name:     "V1 with the wrong STS token is InvalidSecurityToken.Malformed",
			opts:     clientOpts{key: stsKey, secret: stsSecret, token: "other-token", v1: true},
			wantCode: "InvalidSecurityToken.Malformed", wantStatus: 400,
		},
		{
			name:     "V3 with an STS key but no token is InvalidSecurityToken.Malformed",
			opts:     clientOpts{key: stsKey, secret: stsSecret},
			wantCode: "InvalidSecurityToken.Malformed", wantStatus: 400,
		},
		{
			name:     "V3 with an expired STS token is InvalidSecurityToken.Expired",
			opts:     clientOpts{key: stsKey, secret: stsSecret, token: stsToken},
			creds:    map[string]Credential{stsKey: {Secret: stsSecret, SecurityToken: stsToken, Expired: true}},
			wantCode: "InvalidSecurityToken.Expired", wantStatus: 400,
		},
		{
			name:     "V1 with an expired STS token is InvalidSecurityToken.Expired",
			opts:     clientOpts{key: stsKey, secret: stsSecret, token: stsToken, v1: true},
			creds:    map[string]Credential{stsKey: {Secret: stsSecret, SecurityToken: stsToken, Expired: true}},
			wantCode: "InvalidSecurityToken.Expired", wantStatus: 400,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, endpoint := startServer(t, Config{
				Credentials: tt.creds,
				Regions:     map[string][]Instance{region: GenerateFleet(region, 12, 1)},
				Zones:       map[string][]string{region: {oddZone}},
			})
			if tt.zone != "" {
				s.Insert(region, Instance{ID: "i-odd", Zone: tt.zone, Status: StatusRunning}, false)
			}
			c := newClient(t, endpoint, tt.opts)
			body, err := describe(context.Background(), c, statusQuery{region: region, zone: tt.zone})
			if tt.wantCode != "" {
				wantAPIError(t, err, tt.wantCode, tt.wantStatus)
				if st := s.Stats(region); st.Calls != 1 || st.Errors != 1 {
					t.Errorf("Stats = %+v, want one call, one error", st)
				}
				return
			}
			if err != nil {
				t.Fatalf("DescribeInstanceStatus: %v", err)
			}
			want := fleetIDs(s.Instances(region))[:10]
			if tt.zone != "" {
				want = []string{"i-odd"}
			}
			if got := pageIDs(body); !reflect.DeepEqual(got, want) {
				t.Errorf("page = %v, want %v", got, want)
			}
		})
	}
}

func TestTheSDKSeesAFreshRequestIDOnEveryCall(t *testing.T) {
	const region = "cn-hangzhou"
	_, c := regionClient(t, region, nil)
	seen := map[string]bool{}
	for range 3 {
		id := *mustDescribe(t, c, statusQuery{region: region}).RequestId
		if len(id) != 36 || seen[id] {
			t.Fatalf("RequestId %q is not a fresh UUID-shaped ID (seen %v)", id, seen)
		}
		seen[id] = true
	}
}
