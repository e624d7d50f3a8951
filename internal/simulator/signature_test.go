package simulator

import (
	"net/url"
	"reflect"
	"testing"
)

func TestPercentEncodeFollowsRFC3986(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unreserved characters stay", "AZaz09-_.~", "AZaz09-_.~"},
		{"a space becomes %20, not +", "a b", "a%20b"},
		{"a star becomes %2A", "a*b", "a%2Ab"},
		{"a plus is encoded", "a+b", "a%2Bb"},
		{"reserved characters are encoded", "/:=&?", "%2F%3A%3D%26%3F"},
		{"UTF-8 bytes are encoded one by one, upper-case hex", "é", "%C3%A9"},
		{"the empty string stays empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentEncode(tt.in); got != tt.want {
				t.Errorf("percentEncode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestV1SignatureMatchesThePublishedVector(t *testing.T) {
	const canonical = "AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing" +
		"&SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0" +
		"&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26"
	params, err := url.ParseQuery(canonical)
	if err != nil {
		t.Fatal(err)
	}
	// The Signature parameter itself is left out of what is signed.
	params.Set("Signature", "ignored")

	if got := canonicalQuery(params, "Signature"); got != canonical {
		t.Errorf("canonical query:\n got %s\nwant %s", got, canonical)
	}
	sts := v1StringToSign("GET", params)
	if want := "GET&%2F&" + percentEncode(canonical); sts != want {
		t.Errorf("string to sign:\n got %s\nwant %s", sts, want)
	}
	if got, want := v1Signature("testsecret", sts), "9NaGiOspFP5UPcwX8Iwt2YJXXuk="; got != want {
		t.Errorf("signature = %s, want %s", got, want)
	}
}

func TestV3SignatureMatchesThePublishedFixedParameterExample(t *testing.T) {
	headers := map[string]string{
		"host":                  "ecs.cn-shanghai.aliyuncs.com",
		"x-acs-action":          "RunInstances",
		"x-acs-content-sha256":  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"x-acs-date":            "2023-10-26T10:22:32Z",
		"x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
		"x-acs-version":         "2014-05-26",
	}
	req := v3Request{
		Method: "POST",
		Path:   "/",
		Query: url.Values{
			"ImageId":  {"win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"},
			"RegionId": {"cn-shanghai"},
		},
		Header:        func(name string) string { return headers[name] },
		SignedHeaders: []string{"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce", "x-acs-version"},
		PayloadHash:   sha256Hex(nil),
	}
	if req.PayloadHash != headers["x-acs-content-sha256"] {
		t.Fatalf("hash of the empty body = %s", req.PayloadHash)
	}
	canonical := v3CanonicalRequest(req)
	if got, want := sha256Hex([]byte(canonical)), "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"; got != want {
		t.Errorf("hashed canonical request = %s, want %s\ncanonical request:\n%s", got, want, canonical)
	}
	sig := v3Signature("YourAccessKeySecret", v3StringToSign(canonical))
	if want := "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"; sig != want {
		t.Errorf("signature = %s, want %s", sig, want)
	}
}

func TestParseV3AuthorizationAcceptsOnlyTheDocumentedForm(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   v3Authorization
		ok     bool
	}{
		{
			name:   "the SDK's form parses",
			header: "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host;x-acs-date,Signature=abc",
			want:   v3Authorization{AccessKeyID: "AK", SignedHeaders: []string{"host", "x-acs-date"}, Signature: "abc"},
			ok:     true,
		},
		{
			name:   "spaces after commas are allowed",
			header: "ACS3-HMAC-SHA256 Credential=AK, SignedHeaders=host, Signature=abc",
			want:   v3Authorization{AccessKeyID: "AK", SignedHeaders: []string{"host"}, Signature: "abc"},
			ok:     true,
		},
		{name: "another algorithm is refused", header: "ACS3-HMAC-SM3 Credential=AK,SignedHeaders=host,Signature=abc"},
		{name: "a missing signature is refused", header: "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host"},
		{name: "an unknown field is refused", header: "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=host,Signature=a,Extra=1"},
		{name: "an empty access key is refused", header: "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseV3Authorization(tt.header)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if ok && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
