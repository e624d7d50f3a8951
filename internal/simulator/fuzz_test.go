package simulator

// Fuzz targets for everything the simulator parses from a request: the V3
// Authorization header, the query and form parameters and their canonical
// (signed) form, and whole requests, unsigned and correctly signed. `make
// fuzz` runs each briefly; see README, "Fuzzing", for a longer run.

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseV3Authorization: a header either is refused or parses into a
// non-empty key and signature, and the parsed header, written back in the
// canonical form, parses to the same thing.
func FuzzParseV3Authorization(f *testing.F) {
	addSeeds(f,
		"ACS3-HMAC-SHA256 Credential=LTAItestkey,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
		"ACS3-HMAC-SHA256 Credential=a,SignedHeaders=,Signature=b",
		"ACS3-HMAC-SHA256 Credential=a=b,SignedHeaders=host,Signature=c, Signature=d",
		"ACS3-HMAC-SHA256 ", "ACS3-HMAC-SHA1 Credential=a,SignedHeaders=host,Signature=b",
		"Bearer xyz", "",
	)
	f.Fuzz(func(t *testing.T, h string) {
		a, ok := parseV3Authorization(h)
		if !ok {
			return
		}
		if a.AccessKeyID == "" || a.Signature == "" {
			t.Fatalf("accepted %q with an empty key or signature: %+v", h, a)
		}
		canon := a.header()
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
	addSeeds(f,
		"RegionId=cn-hangzhou&PageNumber=1&PageSize=50",
		"a=1&a=2&b=%20&c=%2A&d=~&e=+",
		"InstanceId.1=i-a&InstanceId.2=i-b&ZoneId=cn-hangzhou-h",
		"=&==&%FF=%00", "k=%E2%9C%93", "",
	)
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
		rec := serve(s, newWireRequest(rawQuery, authz, contentType, body))
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
	addSeeds(f,
		"RegionId=cn-hangzhou", "RegionId=cn-hangzhou&PageNumber=2&PageSize=7",
		"RegionId=cn-hangzhou&ZoneId=cn-hangzhou-b&PageSize=50",
		"RegionId=cn-hangzhou&InstanceId.1=i-x&InstanceId.2="+GenerateFleet("cn-hangzhou", 3, 1)[2].ID,
		"RegionId=cn-hangzhou&PageNumber=0", "RegionId=cn-hangzhou&PageSize=51", "RegionId=cn-hangzhou&PageNumber=9223372036854775807&PageSize=50",
		"RegionId=xx-nowhere-1", "RegionId=cn-hangzhou&ZoneId=cn-hangzhou-z", "PageSize=3", "RegionId=cn-hangzhou&PageNumber=+1&PageSize=0x10",
	)
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
		rec := serve(s, newV3Request(t, "127.0.0.1:1", rawV3{query: query}))
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

// addSeeds adds each of seeds to f's corpus.
func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
}
