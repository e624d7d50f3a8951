package simulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestHandBuiltRequestsAreCheckedLikeTheRealAPI(t *testing.T) {
	const region = "cn-hangzhou"
	q := url.Values{"RegionId": {region}}
	now := time.Now()
	tests := []struct {
		name       string
		build      func(t *testing.T, endpoint string) *http.Request
		wantStatus int
		wantCode   string
	}{
		{
			name:       "a correctly signed V3 request succeeds",
			build:      func(t *testing.T, ep string) *http.Request { return newV3Request(t, ep, rawV3{query: q}) },
			wantStatus: 200,
		},
		{
			name: "a V3 request whose query was changed after signing is SignatureDoesNotMatch",
			build: func(t *testing.T, ep string) *http.Request {
				req := newV3Request(t, ep, rawV3{query: q})
				req.URL.RawQuery = url.Values{"RegionId": {"cn-shanghai"}}.Encode()
				return req
			},
			wantStatus: 400, wantCode: "SignatureDoesNotMatch",
		},
		{
			name: "a V3 request whose body does not match x-acs-content-sha256 is SignatureDoesNotMatch",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, body: []byte("x"), bodyHash: sha256Hex(nil)})
			},
			wantStatus: 400, wantCode: "SignatureDoesNotMatch",
		},
		{
			name: "a V3 request dated 20 minutes ago is InvalidTimeStamp.Expired",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, date: now.Add(-20 * time.Minute)})
			},
			wantStatus: 400, wantCode: "InvalidTimeStamp.Expired",
		},
		{
			name: "a V3 request dated 20 minutes ahead is InvalidTimeStamp.Expired",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, date: now.Add(20 * time.Minute)})
			},
			wantStatus: 400, wantCode: "InvalidTimeStamp.Expired",
		},
		{
			name: "a V3 request that does not sign x-acs-signature-nonce is IncompleteSignature",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, unsigned: []string{"x-acs-signature-nonce"}})
			},
			wantStatus: 400, wantCode: "IncompleteSignature",
		},
		{
			name: "a V3 request that does not sign host is IncompleteSignature",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, unsigned: []string{"host"}})
			},
			wantStatus: 400, wantCode: "IncompleteSignature",
		},
		{
			name: "a malformed Authorization header is IncompleteSignature",
			build: func(t *testing.T, ep string) *http.Request {
				req := newV3Request(t, ep, rawV3{query: q})
				req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+testKey)
				return req
			},
			wantStatus: 400, wantCode: "IncompleteSignature",
		},
		{
			name: "a request with no signature at all is MissingParameter",
			build: func(t *testing.T, ep string) *http.Request {
				req, _ := http.NewRequest(http.MethodPost, "http://"+ep+"/?Action=DescribeRegions&RegionId=cn-hangzhou", nil)
				return req
			},
			wantStatus: 400, wantCode: "MissingParameter",
		},
		{
			name: "an unknown action is InvalidAction.NotFound",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{action: "RunInstances", query: q})
			},
			wantStatus: 404, wantCode: "InvalidAction.NotFound",
		},
		{
			name: "a correctly signed V1 request succeeds",
			build: func(t *testing.T, ep string) *http.Request {
				return newV1Request(t, ep, q, testSecret, now, "v1-ok")
			},
			wantStatus: 200,
		},
		{
			name: "a V1 request with a stale Timestamp is InvalidTimeStamp.Expired",
			build: func(t *testing.T, ep string) *http.Request {
				return newV1Request(t, ep, q, testSecret, now.Add(-time.Hour), "v1-stale")
			},
			wantStatus: 400, wantCode: "InvalidTimeStamp.Expired",
		},
		{
			name: "a V1 request for an unknown action is InvalidAction.NotFound",
			build: func(t *testing.T, ep string) *http.Request {
				return newV1Request(t, ep, url.Values{"Action": {"DeleteInstance"}, "RegionId": {region}}, testSecret, now, "v1-action")
			},
			wantStatus: 404, wantCode: "InvalidAction.NotFound",
		},
	}
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 3, 1)}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(t, tt.build(t, endpoint))
			if res.err != nil {
				t.Fatalf("request failed: %v", res.err)
			}
			if res.status != tt.wantStatus || res.code() != tt.wantCode {
				t.Fatalf("got %d %q, want %d %q; body %s", res.status, res.code(), tt.wantStatus, tt.wantCode, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type = %q, want %q", ct, jsonContentType)
			}
			if tt.wantCode != "" && !strings.Contains(string(res.body), `"HostId":"`+endpoint+`"`) {
				t.Errorf("error body lacks HostId %s: %s", endpoint, res.body)
			}
		})
	}
}

func TestAReplayedNonceIsRejected(t *testing.T) {
	const region = "cn-hangzhou"
	q := url.Values{"RegionId": {region}}
	tests := []struct {
		name  string
		build func(t *testing.T, endpoint string) *http.Request
	}{
		{"V3", func(t *testing.T, ep string) *http.Request {
			return newV3Request(t, ep, rawV3{query: q, nonce: "fixed-v3-nonce", date: time.Now()})
		}},
		{"V1", func(t *testing.T, ep string) *http.Request {
			return newV1Request(t, ep, q, testSecret, time.Now(), "fixed-v1-nonce")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" replay of a good request is SignatureNonceUsed", func(t *testing.T) {
			_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}})
			req := tt.build(t, endpoint)
			if first := send(t, req); first.status != 200 {
				t.Fatalf("first send: %d %s %v", first.status, first.body, first.err)
			}
			again := send(t, req.Clone(context.Background()))
			if again.status != 400 || again.code() != "SignatureNonceUsed" {
				t.Fatalf("replay: got %d %s, want 400 SignatureNonceUsed", again.status, again.body)
			}
		})
	}
}

func TestTheSimulatorClockDecidesWhatIsStale(t *testing.T) {
	const region = "cn-hangzhou"
	_, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: nil},
		Now:     func() time.Time { return time.Now().Add(time.Hour) },
	})
	_, err := describe(context.Background(), newClient(t, endpoint, clientOpts{}), statusQuery{region: region})
	wantAPIError(t, err, "InvalidTimeStamp.Expired", 400)
}
