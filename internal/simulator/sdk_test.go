package simulator

import (
	"context"
	"reflect"
	"testing"
)

// These tests drive the vendor's own SDK against the simulator over
// loopback: the signatures it computes are checked as the real API would.

// signatureVersions are the SDK's two ways of signing: V3, its default,
// and V1 (HMAC-SHA1 query signing, SignatureAlgorithm "v2").
var signatureVersions = []struct {
	name string
	v1   bool
}{{"V3", false}, {"V1", true}}

func TestTheSDKsSignaturesAreVerified(t *testing.T) {
	const region = "cn-hangzhou"
	expired := map[string]Credential{stsKey: {Secret: stsSecret, SecurityToken: stsToken, Expired: true}}
	tests := []struct {
		name       string // after the version's name
		opts       clientOpts
		creds      map[string]Credential // default testCredentials()
		wantCode   string
		wantStatus int
	}{
		{name: "with the right key succeeds"},
		{
			name:     "with the wrong secret is SignatureDoesNotMatch",
			opts:     clientOpts{key: testKey, secret: "wrong"},
			wantCode: "SignatureDoesNotMatch", wantStatus: 400,
		},
		{
			name:     "with an unknown key is InvalidAccessKeyId.NotFound",
			opts:     clientOpts{key: "LTAIunknown", secret: testSecret},
			wantCode: "InvalidAccessKeyId.NotFound", wantStatus: 404,
		},
		{name: "with the right STS token succeeds", opts: clientOpts{key: stsKey, secret: stsSecret, token: stsToken}},
		{
			name:     "with the wrong STS token is InvalidSecurityToken.Malformed",
			opts:     clientOpts{key: stsKey, secret: stsSecret, token: "other-token"},
			wantCode: "InvalidSecurityToken.Malformed", wantStatus: 400,
		},
		{
			name:     "with an STS key but no token is InvalidSecurityToken.Malformed",
			opts:     clientOpts{key: stsKey, secret: stsSecret},
			wantCode: "InvalidSecurityToken.Malformed", wantStatus: 400,
		},
		{
			name:     "with an expired STS token is InvalidSecurityToken.Expired",
			opts:     clientOpts{key: stsKey, secret: stsSecret, token: stsToken},
			creds:    expired,
			wantCode: "InvalidSecurityToken.Expired", wantStatus: 400,
		},
	}
	for _, version := range signatureVersions {
		for _, tt := range tests {
			t.Run(version.name+" "+tt.name, func(t *testing.T) {
				s, endpoint := startServer(t, Config{Credentials: tt.creds, Regions: map[string][]Instance{region: GenerateFleet(region, 12, 1)}})
				tt.opts.v1 = version.v1
				body, err := describe(context.Background(), newClient(t, endpoint, tt.opts), statusQuery{region: region})
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
				if got, want := pageIDs(body), fleetIDs(s.Instances(region))[:10]; !reflect.DeepEqual(got, want) {
					t.Errorf("page = %v, want %v", got, want)
				}
			})
		}
	}
}

func TestTheSDKsSignaturesVerifyWithAZoneThatNeedsEscaping(t *testing.T) {
	const region, oddZone = "cn-hangzhou", "cn-hangzhou-x y*~+"
	for _, version := range signatureVersions {
		t.Run(version.name, func(t *testing.T) {
			s, endpoint := startServer(t, Config{
				Regions: map[string][]Instance{region: GenerateFleet(region, 12, 1)},
				Zones:   map[string][]string{region: {oddZone}},
			})
			s.Insert(region, Instance{ID: "i-odd", Zone: oddZone, Status: StatusRunning}, false)
			c := newClient(t, endpoint, clientOpts{v1: version.v1})
			if got := pageIDs(mustDescribe(t, c, statusQuery{region: region, zone: oddZone})); !reflect.DeepEqual(got, []string{"i-odd"}) {
				t.Errorf("page = %v, want [i-odd]", got)
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
