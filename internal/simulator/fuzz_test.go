package simulator

// Fuzz targets for everything the simulator parses from a request: the V3
// Authorization header, the query and form parameters and their canonical
// (signed) form, and whole requests, unsigned and correctly signed. `make
// fuzz` runs each briefly; see README, "Fuzzing", for a longer run.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// documented is the code → HTTP status table of doc.go: every error the
// simulator answers with must be one of these, with its status.
var documented = map[string]int{
	"MissingParameter":                    400,
	"IncompleteSignature":                 400,
	"InvalidAccessKeyId.NotFound":         404,
	"SignatureDoesNotMatch":               400,
	"InvalidTimeStamp.Format":             400,
	"InvalidTimeStamp.Expired":            400,
	"SignatureNonceUsed":                  400,
	"InvalidSecurityToken.Malformed":      400,
	"InvalidSecurityToken.Expired":        400,
	"InvalidVersion":                      400,
	"InvalidAction.NotFound":              404,
	"MissingRegionId":                     400,
	"InvalidRegionId.NotFound":            404,
	"InvalidZoneId.NotFound":              404,
	"InvalidParameter":                    400,
	"InvalidParameter.TooManyInstanceIds": 403,
	"Throttling.User":                     400,
	"ServiceUnavailable":                  503,
}

// FuzzParseV3Authorization: a header either is refused or parses into a
// non-empty key and signature, and the parsed header, written back in the
// canonical form, parses to the same thing.
func FuzzParseV3Authorization(f *testing.F) {
	for _, s := range []string{
		"ACS3-HMAC-SHA256 Credential=LTAItestkey,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=b",
		"ACS3-HMAC-SHA256 Credential=a=b,SignedHeaders=host,Signature=c, Signature=d",
		"ACS3-HMAC-SHA256 ", "ACS3-HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=b",
		"Bearer xyz", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, ok := parseV3Authorization(h)
		if !ok {
			return
		}
		if a.AccessKeyID == "" || a.Signature == "" {
			t.Fatalf("accepted %q with an empty key or signature: %+v", h, a)
		}
		canon := fmt.Sprintf("%s Credential=%s,SignedHeaders=%s,Signature=%s",
			v3Algorithm, a.AccessKeyID, strings.Join(a.SignedHeaders, ";"), a.Signature)
		b, ok := parseV3Authorization(canon)
		if !ok {
			t.Fatalf("%q parsed, but its canonical form %q does not", h, canon)
		}
		if b.AccessKeyID != a.AccessKeyID || b.Signature != a.Signature || !slices.Equal(b.SignedHeaders, a.SignedHeaders) {
			t.Fatalf("round trip changed %+v into %+v", a, b)
		}
	})
}

// FuzzCanonicalQuery: for any query the simulator accepts, the canonical
// query it signs is RFC 3986 encoded (unreserved bytes and upper-case %XX
// only), sorted by key, and decodes back to exactly the parameters.
func FuzzCanonicalQuery(f *testing.F) {
	for _, s := range []string{
		"RegionId=cn-hangzhou&PageNumber=1&PageSize=50",
		"a=1&a=2&b=%20&c=%2A&d=~&e=+",
		"InstanceId.1=i-a&InstanceId.2=i-b&ZoneId=cn-hangzhou-h",
		"=&==&%FF=%00", "k=%E2%9C%93", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		cq := canonicalQuery(params, "")
		back := url.Values{}
		var keys []string
		if cq != "" {
			for _, pair := range strings.Split(cq, "&") {
				k, v, ok := strings.Cut(pair, "=")
				if !ok || strings.Contains(v, "=") {
					t.Fatalf("canonical query %q has a malformed pair %q", cq, pair)
				}
				dk, dv := mustUnescape(t, cq, k), mustUnescape(t, cq, v)
				if len(keys) == 0 || keys[len(keys)-1] != dk {
					keys = append(keys, dk)
				}
				back[dk] = append(back[dk], dv)
			}
		}
		if !sort.StringsAreSorted(keys) {
			t.Fatalf("canonical query %q is not sorted by key", cq)
		}
		if len(back) != len(params) {
			t.Fatalf("canonical query %q has %d keys, want %d", cq, len(back), len(params))
		}
		for k, vs := range params {
			if !slices.Equal(back[k], vs) {
				t.Fatalf("key %q: canonical query gives %q, want %q", k, back[k], vs)
			}
		}
	})
}

// mustUnescape decodes one RFC 3986 encoded component, failing on anything
// a canonical encoding must not contain.
func mustUnescape(t *testing.T, cq, s string) string {
	t.Helper()
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c):
			out = append(out, c)
		case c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			out = append(out, byte(n))
			i += 2
		default:
			t.Fatalf("canonical query %q: %q is not RFC 3986 encoded (byte %q)", cq, s, c)
		}
	}
	return string(out)
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

// checkAnswer checks what any request gets back: JSON with a RequestId and,
// for an error, a documented code with its documented status.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) (code string) {
	t.Helper()
	var e struct{ RequestID, Code string }
	body := rec.Body.Bytes()
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("HTTP %d with a body that is not JSON: %v\n%q", rec.Code, err, body)
	}
	if e.RequestID == "" {
		t.Fatalf("HTTP %d without a RequestId: %s", rec.Code, body)
	}
	if rec.Code == http.StatusOK {
		return ""
	}
	want, ok := documented[e.Code]
	if !ok {
		t.Fatalf("HTTP %d with undocumented code %q: %s", rec.Code, e.Code, body)
	}
	if rec.Code != want {
		t.Fatalf("code %s came with HTTP %d, documented %d: %s", e.Code, rec.Code, want, body)
	}
	return e.Code
}

// FuzzServeUnsigned sends any query, Authorization header, content type and
// body: every answer is JSON, an error is documented, nothing panics, and
// nothing is served without a valid signature.
func FuzzServeUnsigned(f *testing.F) {
	f.Add("RegionId=cn-hangzhou", "ACS3-HMAC-SHA256 Credential=LTAItestkey,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00", "", []byte(nil))
	f.Add("Action=DescribeInstanceStatus&Version=2014-05-26&Format=JSON&AccessKeyId=LTAItestkey&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n1&Timestamp=2023-03-13T08%3A34%3A30Z&RegionId=cn-hangzhou&Signature=9NaGiOspFP5UPcwX8Iwt2YJXXuk%3D", "", "", []byte(nil))
	f.Add("AccessKeyId=LTAItestkey&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0", "", "application/x-www-form-urlencoded", []byte("RegionId=cn-hangzhou&PageSize=%zz"))
	f.Add("a=%zz;b", "ACS3-HMAC-SHA256 garbage", "text/plain; charset=\"", []byte("x"))
	f.Add("", "", "application/x-www-form-urlencoded", []byte("Signature=s&AccessKeyId=nobody"))
	s := New(Config{
		Credentials: testCredentials(),
		Regions:     map[string][]Instance{"cn-hangzhou": GenerateFleet("cn-hangzhou", 30, 1)},
	})
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, rawQuery, authz, contentType string, body []byte) {
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
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		checkAnswer(t, rec)
		if rec.Code == http.StatusOK {
			t.Fatalf("an unsigned request was served: query %q authorization %q", rawQuery, authz)
		}
	})
}

// FuzzServeSigned sends any DescribeInstanceStatus query, correctly signed,
// so the fuzzer reaches the parameter parsing behind authentication: every
// error is documented, and a 200 is exactly the page of the fleet the
// parameters ask for.
func FuzzServeSigned(f *testing.F) {
	for _, q := range []string{
		"RegionId=cn-hangzhou", "RegionId=cn-hangzhou&PageNumber=2&PageSize=7",
		"RegionId=cn-hangzhou&ZoneId=cn-hangzhou-b&PageSize=50",
		"RegionId=cn-hangzhou&InstanceId.1=i-x&InstanceId.2=" + GenerateFleet("cn-hangzhou", 3, 1)[2].ID,
		"RegionId=cn-hangzhou&PageNumber=0", "RegionId=cn-hangzhou&PageSize=51", "RegionId=cn-hangzhou&PageNumber=9223372036854775807&PageSize=50",
		"RegionId=xx-nowhere-1", "RegionId=cn-hangzhou&ZoneId=cn-hangzhou-z", "PageSize=3", "RegionId=cn-hangzhou&PageNumber=+1&PageSize=0x10",
	} {
		f.Add(q)
	}
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 30, 1)
	f.Fuzz(func(t *testing.T, rawQuery string) {
		query, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		// A server per input keeps the nonce cache from growing with the
		// run; the fleet is small.
		s := New(Config{Credentials: testCredentials(), Regions: map[string][]Instance{region: fleet}})
		defer s.Close()
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, newV3Request(t, "127.0.0.1:1", rawV3{query: query}))
		if code := checkAnswer(t, rec); code != "" {
			switch code {
			case "MissingParameter", "IncompleteSignature", "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch",
				"InvalidTimeStamp.Format", "InvalidTimeStamp.Expired", "SignatureNonceUsed":
				t.Fatalf("a correctly signed request for %q was refused with %s: %s", rawQuery, code, rec.Body)
			}
			return
		}
		checkPage(t, query, fleet, rec.Body.Bytes())
	})
}

// checkPage checks a 200 answer against the fleet and the query's region,
// zone, instance IDs, page number and size.
func checkPage(t *testing.T, q url.Values, fleet []Instance, body []byte) {
	t.Helper()
	var got instanceStatusesBody
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if q.Get("RegionId") != "cn-hangzhou" {
		t.Fatalf("region %q was served: %s", q.Get("RegionId"), body)
	}
	list := fleet
	if z := q.Get("ZoneId"); z != "" {
		list = nil
		for _, in := range fleet {
			if in.Zone == z {
				list = append(list, in)
			}
		}
	}
	if _, named := q["InstanceId.1"]; named && q.Get("InstanceId.1") != "" {
		var picked []Instance
		for i := 1; q.Get("InstanceId."+strconv.Itoa(i)) != ""; i++ {
			id := q.Get("InstanceId." + strconv.Itoa(i))
			for _, in := range list {
				if in.ID == id && !slices.ContainsFunc(picked, func(p Instance) bool { return p.ID == id }) {
					picked = append(picked, in)
				}
			}
		}
		list = picked
	}
	number, size := 1, defaultPageSize
	if v := q.Get("PageNumber"); v != "" {
		number, _ = strconv.Atoi(v)
	}
	if v := q.Get("PageSize"); v != "" {
		size, _ = strconv.Atoi(v)
	}
	if number < 1 || size < 1 || size > maxPageSize {
		t.Fatalf("PageNumber %q PageSize %q were accepted", q.Get("PageNumber"), q.Get("PageSize"))
	}
	if got.TotalCount != len(list) || got.PageNumber != number || got.PageSize != size {
		t.Fatalf("TotalCount %d PageNumber %d PageSize %d, want %d %d %d", got.TotalCount, got.PageNumber, got.PageSize, len(list), number, size)
	}
	var want []string
	if start := (number - 1) * size; number-1 < (len(list)+size-1)/size {
		for _, in := range list[start:min(start+size, len(list))] {
			want = append(want, in.ID+"="+in.Status)
		}
	}
	var items []string
	for _, it := range got.InstanceStatuses.InstanceStatus {
		items = append(items, it.InstanceID+"="+it.Status)
	}
	if !slices.Equal(items, want) {
		t.Fatalf("page %d of %d: got %v, want %v", number, size, items, want)
	}
}
