package aliyun

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// sentRequest is what a server saw of one request.
type sentRequest struct {
	method, host, query string
	header              http.Header
	bodyLen             int
}

// capture runs a server that records every request and answers an empty
// page; last returns the most recent request.
func capture(t *testing.T) (endpoint string, last func() sentRequest) {
	t.Helper()
	var (
		mu  sync.Mutex
		got sentRequest
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = sentRequest{r.Method, r.Host, r.URL.RawQuery, r.Header.Clone(), len(body)}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = io.WriteString(w, `{"RequestId":"r","TotalCount":0,"InstanceStatuses":{"InstanceStatus":[]}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() sentRequest {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
}

// bothPaths returns the SDK's own requester and the V3 signer of one
// region, built the way Client.callPath builds them.
func bothPaths(t *testing.T, endpoint string, cred *Credential) (sdk, signed requester) {
	t.Helper()
	testenv.PinEnv(t)
	c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Endpoint: mustURL(t, endpoint)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	first, err := c.newSDKClient("cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	s := newSDKRequester(first, func() *ecs.Client {
		sdk, _ := c.newSDKClient("cn-hangzhou")
		return sdk
	})
	return s, newSignedRequester(first, c.doer, s)
}

func statusRequest(query map[string]*string) apiRequest {
	return apiRequest{action: ActionDescribeInstanceStatus, query: query, decode: func(r io.Reader) error {
		_, err := decodeStatusPage(r)
		return err
	}}
}

// TestSignedRequestsCarryWhatTheSDKSends sends one request through the
// SDK and one through the V3 signer and compares them: the same headers
// with the same values (the date, the nonce and the signature itself
// aside), the same query, the same host and method. With an STS token,
// that includes x-acs-accesskey-id and x-acs-security-token; with any
// credential, x-acs-credentials-provider.
func TestSignedRequestsCarryWhatTheSDKSends(t *testing.T) {
	for _, tc := range []struct{ name, id, token string }{
		{"access key", testKey, ""},
		{"STS token", "STS.testkey", "test-sts-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			endpoint, last := capture(t)
			cred, err := StaticCredential(tc.id, testSecret, tc.token)
			if err != nil {
				t.Fatal(err)
			}
			sdk, signed := bothPaths(t, endpoint, cred)
			query := map[string]*string{"RegionId": dara.String("cn-hangzhou"), "PageNumber": dara.String("2"),
				"PageSize": dara.String("50"), "ZoneId": dara.String("cn-hangzhou-h i*~")}
			if err := sdk.do(context.Background(), statusRequest(query)); err != nil {
				t.Fatal(err)
			}
			want := last()
			if err := signed.do(context.Background(), statusRequest(query)); err != nil {
				t.Fatal(err)
			}
			got := last()
			compareRequests(t, got, want)
			if tc.token != "" && (got.header.Get("x-acs-security-token") != tc.token || got.header.Get("x-acs-accesskey-id") != tc.id) {
				t.Errorf("STS headers missing: %v", got.header)
			}
			if got.header.Get("x-acs-credentials-provider") == "" {
				t.Errorf("no x-acs-credentials-provider: %v", got.header)
			}
		})
	}
}

var (
	authShape  = regexp.MustCompile(`^ACS3-HMAC-SHA256 Credential=[^,]+,SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$`)
	nonceShape = regexp.MustCompile(`^[0-9a-f]{32}$`)
	dateShape  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
)

func compareRequests(t *testing.T, got, want sentRequest) {
	t.Helper()
	if got.method != want.method || got.host != want.host || got.query != want.query || got.bodyLen != want.bodyLen {
		t.Errorf("got %s %s ?%s (%d bytes), the SDK sent %s %s ?%s (%d bytes)",
			got.method, got.host, got.query, got.bodyLen, want.method, want.host, want.query, want.bodyLen)
	}
	varying := map[string]*regexp.Regexp{"X-Acs-Date": dateShape, "X-Acs-Signature-Nonce": nonceShape, "Authorization": authShape}
	for name := range mergeKeys(got.header, want.header) {
		g, w := got.header.Values(name), want.header.Values(name)
		if re, ok := varying[name]; ok {
			if len(g) != 1 || !re.MatchString(g[0]) {
				t.Errorf("%s: %q does not look like the SDK's %q", name, g, w)
			}
			continue
		}
		if strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s: %q, the SDK sent %q", name, g, w)
		}
	}
	signedHeaders := func(r sentRequest) string {
		_, rest, _ := strings.Cut(r.header.Get("Authorization"), "SignedHeaders=")
		h, _, _ := strings.Cut(rest, ",")
		return h
	}
	if signedHeaders(got) != signedHeaders(want) {
		t.Errorf("signed headers %q, the SDK signed %q", signedHeaders(got), signedHeaders(want))
	}
}

func mergeKeys(a, b http.Header) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// TestBearerCredentialsGoThroughTheSDK: a credential the SDK signs without
// an AccessKey signature is handed to the SDK, which sends its token.
func TestBearerCredentialsGoThroughTheSDK(t *testing.T) {
	endpoint, last := capture(t)
	vendor, err := credentials.NewCredential(&credentials.Config{Type: dara.String("bearer"), BearerToken: dara.String("test-bearer")})
	if err != nil {
		t.Fatal(err)
	}
	_, signed := bothPaths(t, endpoint, &Credential{vendor: vendor})
	if err := signed.do(context.Background(), statusRequest(map[string]*string{"RegionId": dara.String("cn-hangzhou")})); err != nil {
		t.Fatal(err)
	}
	got := last()
	if got.header.Get("x-acs-bearer-token") != "test-bearer" || !strings.Contains(got.query, "SignatureType=BEARERTOKEN") {
		t.Errorf("the bearer token was not sent the SDK's way: ?%s %v", got.query, got.header)
	}
}
