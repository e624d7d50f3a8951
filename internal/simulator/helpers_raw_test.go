package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

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
	signed = slices.DeleteFunc(signed, func(h string) bool { return slices.Contains(c.unsigned, h) })
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
	req.Header.Set("Authorization", v3Authorization{AccessKeyID: c.key, SignedHeaders: signed, Signature: sig}.header())
	return req
}

// header writes a back as the Authorization header, the way the SDK does.
func (a v3Authorization) header() string {
	return v3Algorithm + " Credential=" + a.AccessKeyID + ",SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ",Signature=" + a.Signature
}

// newWireRequest is a POST as the server could receive it off the wire,
// with any raw query, body and (when not empty) Authorization and
// Content-Type headers, which net/http would not build from a URL.
func newWireRequest(rawQuery, authz, contentType string, body []byte) *http.Request {
	req := &http.Request{
		Method:     http.MethodPost,
		URL:        &url.URL{Path: "/", RawQuery: rawQuery},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Host:          "127.0.0.1:1",
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
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
