package aliyun

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/alibabacloud-go/tea/dara"
)

// TestErrorResponsesClassifyAsTheSDKDoes answers the same error response
// to the SDK and to the V3 signer, and wants the same outcome from both:
// the same typed error (type and message), Code, HTTP status, retry
// decision and throttling hint.
func TestErrorResponsesClassifyAsTheSDKDoes(t *testing.T) {
	type answer struct {
		status      int
		contentType string
		header      map[string]string
		body        string
	}
	for _, tc := range []struct {
		name     string
		answer   answer
		wantCode string
	}{
		{"throttled, with the rate-limit hint", answer{400, "application/json;charset=utf-8",
			map[string]string{"x-ratelimit-user-api": "Limit:10,Remain:0,TimeLeft:1500,Reset:1700000000"},
			`{"RequestId":"r1","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`}, "Throttling.User"},
		{"unknown region", answer{404, "application/json", nil,
			`{"RequestId":"r2","HostId":"ecs.aliyuncs.com","Code":"InvalidRegionId.NotFound","Message":"The specified RegionId does not exist.","Recommend":"https://example.invalid"}`}, "InvalidRegionId.NotFound"},
		{"denied by RAM", answer{403, "application/json", nil,
			`{"requestId":"r3","code":"Forbidden.RAM","message":"denied","AccessDeniedDetail":{"PolicyType":"AccountLevelIdentityBasedPolicy"}}`}, "Forbidden.RAM"},
		{"server error", answer{503, "application/json", nil, `{"RequestId":"r4","Code":"ServiceUnavailable","Message":"try later"}`}, "ServiceUnavailable"},
		{"XML error", answer{400, "text/xml;charset=utf-8", nil,
			`<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>r5</RequestId><Code>InvalidParameter</Code><Message>bad</Message></Error>`}, "InvalidParameter"},
		{"HTML from a proxy", answer{502, "text/html", nil, `<html><body>Bad Gateway</body></html>`}, CodeDecode},
		{"empty body", answer{500, "application/json", nil, ``}, CodeDecode},
		{"a JSON array", answer{400, "application/json", nil, `[1,2]`}, CodeDecode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for k, v := range tc.answer.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", tc.answer.contentType)
				w.WriteHeader(tc.answer.status)
				_, _ = io.WriteString(w, tc.answer.body)
			}))
			defer srv.Close()
			cred, _ := StaticCredential(testKey, testSecret, "")
			sdk, signed := bothPaths(t, srv.URL, cred)
			req := statusRequest(map[string]*string{"RegionId": dara.String("cn-hangzhou")})
			want, got := sdk.do(context.Background(), req), signed.do(context.Background(), req)
			if want == nil || got == nil {
				t.Fatalf("SDK %v, signer %v: want an error from both", want, got)
			}
			if got.Code != tc.wantCode {
				t.Errorf("code %q, want %q (%v)", got.Code, tc.wantCode, got)
			}
			outcome := func(e *Error) string {
				return fmt.Sprintf("%T %q %d retryable=%v retryAfter=%d", e.Err, e.Code, e.HTTPStatus, e.retryable(), retryAfterMillis(e.Err))
			}
			if outcome(got) != outcome(want) {
				t.Errorf("signer: %s\n   SDK: %s", outcome(got), outcome(want))
			}
			if tc.wantCode != CodeDecode && !reflect.DeepEqual(got.Err, want.Err) {
				t.Errorf("signer's typed error %#v\n   SDK's %#v", got.Err, want.Err)
			}
		})
	}
}
