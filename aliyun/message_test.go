package aliyun

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestSafeMessageLeavesOutWhatMustNotBeShown(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"a plain message is kept", "The specified RegionId does not exist.", "The specified RegionId does not exist."},
		{"a quoted string to sign is cut, with the token in it",
			"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DLTAItestkey%26SecurityToken%3DCAIS-sts-token",
			"Specified signature is not matched with our calculation. server (string to sign left out)"},
		{"StringToSign in any spelling is cut", "Bad. StringToSign: GET&%2F&x", "Bad. (string to sign left out)"},
		{"a query's signature and token are redacted",
			"Post: dial tcp: ?Signature=abc%2Bdef&SecurityToken=CAIS-sts&RegionId=cn-hangzhou",
			"Post: dial tcp: ?Signature=REDACTED&SecurityToken=REDACTED&RegionId=cn-hangzhou"},
		{"a header's signature is redacted", "Authorization: ACS3-HMAC-SHA256 Credential=LTAIx,Signature=deadbeef",
			"Authorization: REDACTED Credential=LTAIx,Signature=REDACTED"},
		{"a JSON secret is redacted", `{"AccessKeySecret":"s3cr3t","x":1}`, `{"AccessKeySecret":"REDACTED","x":1}`},
		{"control characters become spaces", "line one\nline\ttwo\x1b[31m", "line one line two [31m"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := safeMessage(tc.in); got != tc.want {
				t.Errorf("safeMessage(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSafeMessageIsAtMost300Characters(t *testing.T) {
	got := safeMessage(strings.Repeat("é", 1000))
	if n := utf8.RuneCountInString(got); n != maxMessage || !strings.HasSuffix(got, "…") {
		t.Errorf("a 1000-character message became %d characters: %q", n, got)
	}
}

func TestClassifyKeepsTheAPIsMessageWithoutTheRequestID(t *testing.T) {
	err := &openapi.ClientError{
		StatusCode: dara.Int(404), Code: dara.String("InvalidRegionId.NotFound"),
		Message: dara.String("code: 404, The specified RegionId does not exist. request id: 6EF60BEC"),
		Data:    map[string]interface{}{"Code": "InvalidRegionId.NotFound", "Message": "The specified RegionId does not exist.", "RequestId": "6EF60BEC"},
	}
	e := classify(context.Background(), err, 404)
	if e.Code != "InvalidRegionId.NotFound" || e.Message != "The specified RegionId does not exist." {
		t.Errorf("got code %q message %q", e.Code, e.Message)
	}
}

func TestATransportErrorsMessageLeavesOutTheSignedURL(t *testing.T) {
	signed := "http://127.0.0.1:1/?AccessKeyId=LTAItestkey&Signature=c2lnbmF0dXJl&SecurityToken=CAIS-sts-token"
	err := &url.Error{Op: "Post", URL: signed, Err: syscall.ECONNREFUSED}
	e := classify(context.Background(), err, 0)
	if e.Code != CodeNetwork || e.Message != "Post: connection refused" {
		t.Errorf("got code %q message %q", e.Code, e.Message)
	}
}

func TestErrorMessageOfAnyError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"nil is empty", nil, ""},
		{"an *Error's own message", fmt.Errorf("wrapped: %w", &Error{Code: "X", Message: "the API said so"}), "the API said so"},
		{"a deadline", context.DeadlineExceeded, "the deadline passed before the API answered"},
		{"any other error, made safe", errors.New("boom\nSignature=abc"), "boom Signature=REDACTED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorMessage(tc.err); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFailuresAgainstTheSimulatorCarryItsMessageAndNoSecret(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": nil}})
	for _, tc := range []struct {
		name, region, secret, want string
		v1                         bool
	}{
		{"an unknown region", "xx-nowhere-1", testSecret, "RegionId", false},
		{"a wrong secret", "cn-hangzhou", "wrong-secret-DO-NOT-SHOW", "signature", false},
		{"an unknown region, V1 signing", "xx-nowhere-1", testSecret, "RegionId", true},
		{"a wrong secret, V1 signing", "cn-hangzhou", "wrong-secret-DO-NOT-SHOW", "signature", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.PinEnv(t)
			cred, err := StaticCredential(testKey, tc.secret, "")
			if err != nil {
				t.Fatal(err)
			}
			c, err := New(Options{Regions: []string{tc.region}, Credential: cred, Endpoint: ep, signatureV1: tc.v1})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.InstanceStatuses(context.Background(), tc.region, nil)
			msg := ErrorMessage(err)
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.secret) || strings.Contains(msg, "request id") {
				t.Errorf("message %q: want it to name %q, without the secret or the request ID", msg, tc.want)
			}
		})
	}
}
