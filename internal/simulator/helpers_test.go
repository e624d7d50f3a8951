package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/credentials-go/credentials"
)

// Made-up keys: they open nothing but the simulator.
const (
	testKey    = "LTAItestkey"
	testSecret = "testsecret"
	stsKey     = "STS.testkey"
	stsSecret  = "stssecret"
	stsToken   = "test-sts-token"
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

// testCredentials are the keys most tests' servers accept.
func testCredentials() map[string]Credential {
	return map[string]Credential{
		testKey: {Secret: testSecret},
		stsKey:  {Secret: stsSecret, SecurityToken: stsToken},
	}
}

// startServer runs a simulator on a loopback port for the test's lifetime
// and returns it with its host:port.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Credentials == nil {
		cfg.Credentials = testCredentials()
	}
	s := New(cfg)
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, strings.TrimPrefix(base, "http://")
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
	resp, err := c.DescribeInstanceStatusWithContext(ctx, req, &dara.RuntimeOptions{})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
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

// sdkCode extracts the API error code and HTTP status from an SDK error.
func sdkCode(err error) (string, int) {
	var se *tea.SDKError
	if errors.As(err, &se) {
		return tea.StringValue(se.Code), tea.IntValue(se.StatusCode)
	}
	return "", 0
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

var nonceSeq atomic.Int64

// rawV3 describes a hand-built V3 request.
type rawV3 struct {
	action    string // default DescribeInstanceStatus
	query     url.Values
	key       string // default testKey
	secret    string // default testSecret
	date      time.Time
	nonce     string   // default a fresh one
	unsigned  []string // headers to leave out of SignedHeaders
	extraHdrs map[string]string
	body      []byte
	bodyHash  string // default the body's real hash
}

// newV3Request signs a request the way the spec says, with the package's own
// functions (the vectors and the SDK tests establish those are right).
func newV3Request(t testing.TB, endpoint string, c rawV3) *http.Request {
	t.Helper()
	if c.action == "" {
		c.action = "DescribeInstanceStatus"
	}
	if c.key == "" {
		c.key, c.secret = testKey, testSecret
	}
	if c.date.IsZero() {
		c.date = time.Now()
	}
	if c.nonce == "" {
		c.nonce = fmt.Sprintf("raw-nonce-%d-%d", time.Now().UnixNano(), nonceSeq.Add(1))
	}
	if c.bodyHash == "" {
		c.bodyHash = sha256Hex(c.body)
	}
	u := "http://" + endpoint + "/"
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(string(c.body)))
	if err != nil {
		t.Fatal(err)
	}
	hdrs := map[string]string{
		"x-acs-action":          c.action,
		"x-acs-version":         apiVersion,
		"x-acs-date":            c.date.UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": c.nonce,
		"x-acs-content-sha256":  c.bodyHash,
	}
	for k, v := range c.extraHdrs {
		hdrs[k] = v
	}
	signed := []string{"host"}
	for k, v := range hdrs {
		req.Header.Set(k, v)
		signed = append(signed, k)
	}
	signed = deleteAll(signed, c.unsigned)
	sort.Strings(signed)
	canonical := v3CanonicalRequest(v3Request{
		Method:        req.Method,
		Path:          "/",
		Query:         c.query,
		Header:        v3HeaderFunc(req),
		SignedHeaders: signed,
		PayloadHash:   sha256Hex(c.body),
	})
	sig := v3Signature(c.secret, v3StringToSign(canonical))
	req.Header.Set("Authorization", fmt.Sprintf("%s Credential=%s,SignedHeaders=%s,Signature=%s",
		v3Algorithm, c.key, strings.Join(signed, ";"), sig))
	return req
}

func deleteAll(list, drop []string) []string {
	out := list[:0]
	for _, v := range list {
		keep := true
		for _, d := range drop {
			if v == d {
				keep = false
			}
		}
		if keep {
			out = append(out, v)
		}
	}
	return out
}

// newV1Request signs params (plus the common V1 ones) with HMAC-SHA1.
func newV1Request(t *testing.T, endpoint string, params url.Values, secret string, ts time.Time, nonce string) *http.Request {
	t.Helper()
	p := url.Values{}
	for k, v := range params {
		p[k] = v
	}
	defaults := map[string]string{
		"Action":           "DescribeInstanceStatus",
		"Version":          apiVersion,
		"Format":           "JSON",
		"AccessKeyId":      testKey,
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureVersion": "1.0",
		"SignatureNonce":   nonce,
		"Timestamp":        ts.UTC().Format("2006-01-02T15:04:05Z"),
	}
	for k, v := range defaults {
		if _, ok := p[k]; !ok {
			p.Set(k, v)
		}
	}
	p.Set("Signature", v1Signature(secret, v1StringToSign(http.MethodPost, p)))
	req, err := http.NewRequest(http.MethodPost, "http://"+endpoint+"/?"+p.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// rawResult is a hand-made call's outcome.
type rawResult struct {
	status int
	header http.Header
	body   []byte
	err    error // transport or body-read error
}

// code is the error body's Code, or "".
func (r rawResult) code() string {
	var e struct{ Code string }
	_ = json.Unmarshal(r.body, &e)
	return e.Code
}

// send performs req with a plain client that keeps no idle connections.
func send(t *testing.T, req *http.Request) rawResult {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}, Timeout: 30 * time.Second}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return rawResult{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return rawResult{status: resp.StatusCode, header: resp.Header, body: body, err: err}
}

// fleetIDs lists instances' IDs.
func fleetIDs(list []Instance) []string {
	ids := make([]string, len(list))
	for i, in := range list {
		ids[i] = in.ID
	}
	return ids
}
