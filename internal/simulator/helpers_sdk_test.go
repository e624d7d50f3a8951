package simulator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"
)

// sdkEnv keeps the SDK and its credential chain away from the real world:
// no proxies, no metadata server, no CLI profile, an empty HOME.
func sdkEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{
		"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy",
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
		"ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_CONFIG_FILE",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	t.Setenv("HOME", t.TempDir())
}

// clientOpts chooses how the SDK client signs.
type clientOpts struct {
	key, secret, token string // default testKey/testSecret
	v1                 bool   // SignatureAlgorithm "v2": HMAC-SHA1 query signing
	// ownHTTP gives the client its own net/http client instead of the SDK's
	// process-wide pool, whose per-call writes race when several goroutines
	// call the same endpoint.
	ownHTTP bool
}

// plainHTTP is an SDK HttpClient backed by one net/http client.
type plainHTTP struct{ c *http.Client }

func (p plainHTTP) Call(req *http.Request, _ *http.Transport) (*http.Response, error) {
	return p.c.Do(req)
}

// regionClient starts a simulator of fleet in region, open to testKey, and
// returns it with an SDK client for it.
func regionClient(t *testing.T, region string, fleet []Instance) (*Server, *ecs.Client) {
	t.Helper()
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: fleet}})
	return s, newClient(t, endpoint, clientOpts{})
}

// generatedClient is regionClient for a fleet of n instances that
// GenerateFleet makes with seed, which it returns too.
func generatedClient(t *testing.T, region string, n int, seed int64) ([]Instance, *Server, *ecs.Client) {
	t.Helper()
	fleet := GenerateFleet(region, n, seed)
	s, c := regionClient(t, region, fleet)
	return fleet, s, c
}

// newClient builds the real SDK client against the simulator at endpoint.
func newClient(t *testing.T, endpoint string, o clientOpts) *ecs.Client {
	t.Helper()
	sdkEnv(t)
	if o.key == "" {
		o.key, o.secret = testKey, testSecret
	}
	cc := &credentials.Config{
		Type:            tea.String("access_key"),
		AccessKeyId:     tea.String(o.key),
		AccessKeySecret: tea.String(o.secret),
	}
	if o.token != "" {
		cc.Type = tea.String("sts")
		cc.SecurityToken = tea.String(o.token)
	}
	cred, err := credentials.NewCredential(cc)
	if err != nil {
		t.Fatalf("NewCredential: %v", err)
	}
	cfg := &openapi.Config{
		Endpoint:   tea.String(endpoint),
		Protocol:   tea.String("http"),
		RegionId:   tea.String("cn-hangzhou"),
		Credential: cred,
	}
	if o.v1 {
		cfg.SignatureAlgorithm = tea.String("v2")
	}
	if o.ownHTTP {
		hc := &http.Client{Transport: &http.Transport{Proxy: nil}}
		t.Cleanup(hc.CloseIdleConnections)
		cfg.HttpClient = plainHTTP{hc}
	}
	c, err := ecs.NewClient(cfg)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// sdkBody makes one call with the SDK, with default runtime options, and
// returns the body of the answer.
func sdkBody[Req, Body any, Resp interface{ GetBody() Body }](ctx context.Context, call func(context.Context, Req, *dara.RuntimeOptions) (Resp, error), req Req) (Body, error) {
	resp, err := call(ctx, req, &dara.RuntimeOptions{})
	if err != nil {
		var none Body
		return none, err
	}
	return resp.GetBody(), nil
}

// statusQuery is one DescribeInstanceStatus call; zero fields are left out.
type statusQuery struct {
	region, zone   string
	page, size     int32
	setPage, setSz bool // send page/size even when zero
	ids            []string
}

func describe(ctx context.Context, c *ecs.Client, q statusQuery) (*ecs.DescribeInstanceStatusResponseBody, error) {
	req := &ecs.DescribeInstanceStatusRequest{}
	if q.region != "" {
		req.RegionId = tea.String(q.region)
	}
	if q.zone != "" {
		req.ZoneId = tea.String(q.zone)
	}
	if q.page != 0 || q.setPage {
		req.PageNumber = tea.Int32(q.page)
	}
	if q.size != 0 || q.setSz {
		req.PageSize = tea.Int32(q.size)
	}
	for _, id := range q.ids {
		req.InstanceId = append(req.InstanceId, tea.String(id))
	}
	return sdkBody(ctx, c.DescribeInstanceStatusWithContext, req)
}

// mustDescribe is describe that fails the test on error.
func mustDescribe(t *testing.T, c *ecs.Client, q statusQuery) *ecs.DescribeInstanceStatusResponseBody {
	t.Helper()
	body, err := describe(context.Background(), c, q)
	if err != nil {
		t.Fatalf("DescribeInstanceStatus(%+v): %v", q, err)
	}
	return body
}

// fullStatus makes one DescribeInstancesFullStatus call with the SDK.
func fullStatus(c *ecs.Client, req *ecs.DescribeInstancesFullStatusRequest) (*ecs.DescribeInstancesFullStatusResponseBody, error) {
	return sdkBody(context.Background(), c.DescribeInstancesFullStatusWithContext, req)
}

// historyEvents makes one DescribeInstanceHistoryEvents call with the SDK.
func historyEvents(c *ecs.Client, req *ecs.DescribeInstanceHistoryEventsRequest) (*ecs.DescribeInstanceHistoryEventsResponseBody, error) {
	return sdkBody(context.Background(), c.DescribeInstanceHistoryEventsWithContext, req)
}

// pageIDs lists a page's instance IDs.
func pageIDs(b *ecs.DescribeInstanceStatusResponseBody) []string {
	var ids []string
	if b.InstanceStatuses == nil {
		return ids
	}
	for _, s := range b.InstanceStatuses.InstanceStatus {
		ids = append(ids, tea.StringValue(s.InstanceId))
	}
	return ids
}

// fullStatusLines reads a page as "ID status health [eventID:type:status:notBefore …]".
func fullStatusLines(b *ecs.DescribeInstancesFullStatusResponseBody) []string {
	var out []string
	for _, it := range b.InstanceFullStatusSet.InstanceFullStatusType {
		line := fmt.Sprintf("%s %s %s", *it.InstanceId, *it.Status.Name, *it.HealthStatus.Name)
		for _, e := range it.ScheduledSystemEventSet.ScheduledSystemEventType {
			line += fmt.Sprintf(" %s:%s:%s:%s", *e.EventId, *e.EventType.Name, *e.EventCycleStatus.Name, *e.NotBefore)
		}
		out = append(out, line)
	}
	return out
}

// eventIDs lists a page's event IDs.
func eventIDs(b *ecs.DescribeInstanceHistoryEventsResponseBody) []string {
	var ids []string
	for _, e := range b.InstanceSystemEventSet.InstanceSystemEventType {
		ids = append(ids, *e.EventId)
	}
	return ids
}

// sdkCode extracts the API error code and HTTP status from an SDK error.
func sdkCode(err error) (string, int) {
	var se *tea.SDKError
	if errors.As(err, &se) {
		return tea.StringValue(se.Code), tea.IntValue(se.StatusCode)
	}
	return "", 0
}

// rejection is a request the API must refuse, with the error it gives.
type rejection[Q any] struct {
	name       string
	q          Q
	wantCode   string
	wantStatus int
}

// wantRejections sends each request through call, in a subtest each, and
// checks that it fails with its API error.
func wantRejections[Q any](t *testing.T, tests []rejection[Q], call func(Q) error) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantAPIError(t, call(tt.q), tt.wantCode, tt.wantStatus)
		})
	}
}

// wantAPIError fails unless err is the API error code with status.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %d %s", status, code)
	}
	gotCode, gotStatus := sdkCode(err)
	if gotCode != code || gotStatus != status {
		t.Fatalf("got %d %q, want %d %s; error: %v", gotStatus, gotCode, status, code, err)
	}
}
