package aliyun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
)

// v3Algorithm is the SDK's default signature algorithm (V3).
const v3Algorithm = "ACS3-HMAC-SHA256"

// The constant parts of every request, as the SDK's CallApiWithCtx sends
// them for an RPC-style ECS action with an empty body.
var (
	apiVersion = "2014-05-26"
	acceptJSON = "application/json"
	methodPost = http.MethodPost
	pathRoot   = "/"
	v3Alg      = v3Algorithm
	emptyBodyH = hex.EncodeToString(openapiutil.Hash(nil, dara.String(v3Algorithm)))
)

// sdkOnly are the credential types the SDK signs without an AccessKey
// signature; requests with them go through the SDK itself.
var sdkOnly = map[string]bool{"bearer": true, "id_token": true}

// signedRequester is the bottom of a region's call path for V3-signed
// requests: a plain net/http POST with the headers the SDK's
// CallApiWithCtx sends, signed by the SDK's own signer
// (openapiutil.GetAuthorization) with the key the credential gives, and
// sent through the Client's pooled transport. It leaves out the SDK's
// generic plumbing, which profiling showed to be most of a page's CPU:
// tea maps merged and re-merged per call, a nonce hashed from a
// goroutine ID read out of runtime.Stack, and every response's headers
// rendered to JSON for a log nobody reads. Error responses still become
// the SDK's typed errors (typedError). A credential the SDK signs in
// another way (a bearer or ID token) takes the SDK itself, sdk.
type signedRequester struct {
	base      string // scheme://host of the region's endpoint
	host      string
	userAgent string
	cred      credentials.Credential
	doer      *httpDoer
	sdk       requester
}

// newSignedRequester signs and sends like first, the region's SDK client:
// its endpoint, its user agent and its credential.
func newSignedRequester(first *ecs.Client, doer *httpDoer, sdk requester) *signedRequester {
	scheme := strings.ToLower(dara.StringValue(first.Protocol))
	host := dara.StringValue(first.Endpoint)
	return &signedRequester{
		base:      scheme + "://" + host,
		host:      host,
		userAgent: dara.StringValue(openapiutil.GetUserAgent(first.UserAgent)),
		cred:      first.Credential,
		doer:      doer,
		sdk:       sdk,
	}
}

func (s *signedRequester) do(ctx context.Context, req apiRequest) *Error {
	m, err := s.cred.GetCredential()
	if err != nil {
		return classify(ctx, err, 0)
	}
	if sdkOnly[dara.StringValue(m.Type)] {
		return s.sdk.do(ctx, req)
	}
	hreq, err := s.request(ctx, req, m)
	if err != nil {
		return classify(ctx, err, 0)
	}
	resp, err := s.doer.do(hreq)
	if err != nil {
		return classify(ctx, err, 0)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 && resp.StatusCode < 600 {
		return classify(ctx, typedError(resp), resp.StatusCode)
	}
	if err := decodeAndDrain(resp.Body, req.decode); err != nil {
		return classify(ctx, err, resp.StatusCode)
	}
	return nil
}

// request builds the signed HTTP request: the headers are the SDK's, in
// its lower-case spelling, and the signature is the SDK's over them.
func (s *signedRequester) request(ctx context.Context, req apiRequest, m *credentials.CredentialModel) (*http.Request, error) {
	date, nonce := timestamp(), newNonce()
	headers := headerMaps.Get().(map[string]*string)
	defer func() {
		clear(headers)
		headerMaps.Put(headers)
	}()
	headers["host"] = &s.host
	headers["x-acs-version"] = &apiVersion
	headers["x-acs-action"] = &req.action
	headers["user-agent"] = &s.userAgent
	headers["x-acs-date"] = &date
	headers["x-acs-signature-nonce"] = &nonce
	headers["accept"] = &acceptJSON
	headers["x-acs-content-sha256"] = &emptyBodyH
	if m.ProviderName != nil {
		headers["x-acs-credentials-provider"] = m.ProviderName
	}
	if dara.StringValue(m.SecurityToken) != "" {
		headers["x-acs-accesskey-id"] = m.AccessKeyId
		headers["x-acs-security-token"] = m.SecurityToken
	}
	id, secret := dara.StringValue(m.AccessKeyId), dara.StringValue(m.AccessKeySecret)
	auth := openapiutil.GetAuthorization(&dara.Request{Method: &methodPost, Pathname: &pathRoot, Query: req.query, Headers: headers},
		&v3Alg, &emptyBodyH, &id, &secret)

	target := s.base + pathRoot
	if q := encodeQuery(req.query); q != "" {
		target += "?" + q
	}
	hreq, err := http.NewRequestWithContext(ctx, methodPost, target, nil)
	if err != nil {
		return nil, err
	}
	hreq.Host = s.host
	for k, v := range headers {
		switch k {
		case "host":
		case "user-agent":
			hreq.Header["User-Agent"] = []string{*v}
		default:
			hreq.Header[k] = []string{*v}
		}
	}
	hreq.Header["Authorization"] = []string{dara.StringValue(auth)}
	return hreq, nil
}

// headerMaps hold the headers to sign between requests: the signer only
// reads them, and the HTTP request gets copies.
var headerMaps = sync.Pool{New: func() any { return make(map[string]*string, 12) }}

// encodeQuery is url.Values.Encode of the query, as the SDK sends it:
// sorted by key, each key and value escaped with url.QueryEscape.
func encodeQuery(query map[string]*string) string {
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(dara.StringValue(query[k])))
	}
	return b.String()
}

// timestamp is the x-acs-date the SDK sends (openapiutil.GetTimestamp).
func timestamp() string { return time.Now().UTC().Format("2006-01-02T15:04:05Z") }

// newNonce is a fresh x-acs-signature-nonce: 32 hex digits, the shape of
// the SDK's. The SDK's own (openapiutil.GetNonce) hashes the goroutine ID,
// which it reads by formatting the goroutine's stack: 10% of the
// exporter's CPU in a 100,000-instance scrape.
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
