package aliyun

// Classification of real API failures: what the simulator answers, as the
// API does, reaches the caller as an *Error with the API's Code and status.

import (
	"context"
	"errors"
	"testing"
)

func TestFailuresCarryTheAPIErrorCode(t *testing.T) {
	_, _, ep := startFleet(t, 10, 4)
	for _, tc := range []struct {
		name       string
		region     string
		zones      []string
		key        string
		secret     string
		wantCode   string
		wantStatus int
	}{
		{"an unknown region is InvalidRegionId.NotFound", "xx-nowhere-1", nil, testKey, testSecret, "InvalidRegionId.NotFound", 404},
		{"an unknown zone is InvalidZoneId.NotFound", "cn-hangzhou", []string{"cn-hangzhou-z"}, testKey, testSecret, "InvalidZoneId.NotFound", 404},
		{"a wrong secret is SignatureDoesNotMatch", "cn-hangzhou", nil, testKey, "wrongsecret", "SignatureDoesNotMatch", 400},
		{"an unknown key is InvalidAccessKeyId.NotFound", "cn-hangzhou", nil, "LTAIunknown", testSecret, "InvalidAccessKeyId.NotFound", 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := StaticCredential(tc.key, tc.secret, "")
			if err != nil {
				t.Fatal(err)
			}
			c, rec := newTestClient(t, ep, []string{tc.region}, func(o *Options) { o.Credential = cred })
			_, err = c.InstanceStatuses(context.Background(), tc.region, tc.zones)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Code != tc.wantCode || e.HTTPStatus != tc.wantStatus {
				t.Errorf("got code %q status %d, want %q %d", e.Code, e.HTTPStatus, tc.wantCode, tc.wantStatus)
			}
			if n := rec.count(tc.region, tc.wantCode); n != 1 {
				t.Errorf("observer saw %d %s requests, want exactly 1 (client errors are not retried)", n, tc.wantCode)
			}
		})
	}
}
