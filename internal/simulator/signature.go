package simulator

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// This file holds the pure parts of the two signature algorithms, written
// from the published specification. The server (auth.go) and the tests call
// the same functions.

const (
	// v3Algorithm is the only V3 algorithm the simulator accepts.
	v3Algorithm = "ACS3-HMAC-SHA256"
	// v1Method is the only V1 SignatureMethod the simulator accepts.
	v1Method = "HMAC-SHA1"
)

// percentEncode encodes s per RFC 3986: unreserved characters
// (A-Z a-z 0-9 - _ . ~) stay, every other byte becomes %XX with upper-case
// hex. So a space is %20, '*' is %2A and '~' is kept.
func percentEncode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return string(b)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// canonicalQuery returns the decoded parameters re-encoded per RFC 3986 as
// k=v pairs sorted by key and joined with '&', leaving out the key skip
// ("" skips nothing). Repeated keys keep their values' order.
func canonicalQuery(params url.Values, skip string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if skip != "" && k == skip {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		ek := percentEncode(k)
		for _, v := range params[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(ek)
			b.WriteByte('=')
			b.WriteString(percentEncode(v))
		}
	}
	return b.String()
}

// v1StringToSign builds the V1 (HMAC-SHA1) string to sign: the method, the
// encoded "/", and the encoded canonical query of every parameter except
// Signature.
func v1StringToSign(method string, params url.Values) string {
	return method + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(params, "Signature"))
}

// v1Signature is base64(HMAC-SHA1(secret+"&", stringToSign)).
func v1Signature(secret, stringToSign string) string {
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// sha256Hex is the lower-case hex SHA-256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// v3Request is what a V3 canonical request is built from.
type v3Request struct {
	Method        string
	Path          string     // the escaped path; "" means "/"
	Query         url.Values // decoded query parameters
	Header        func(name string) string
	SignedHeaders []string // lower-case names, in the order the client listed them
	PayloadHash   string   // hex SHA-256 of the body
}

// v3CanonicalRequest builds METHOD \n path \n canonical query \n canonical
// headers (one "name:trimmed value\n" line per signed header) \n signed
// header list \n payload hash.
func v3CanonicalRequest(r v3Request) string {
	path := r.Path
	if path == "" {
		path = "/"
	}
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.Query, ""))
	b.WriteByte('\n')
	for _, name := range r.SignedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(r.Header(name)))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(r.SignedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(r.PayloadHash)
	return b.String()
}

// v3HeaderFunc looks up a signed header's canonical value: host is r.Host
// (with its port), other headers are their trimmed values, several values
// sorted and joined with commas.
func v3HeaderFunc(r *http.Request) func(string) string {
	return func(name string) string {
		if strings.EqualFold(name, "host") {
			return r.Host
		}
		vals := r.Header.Values(name)
		switch len(vals) {
		case 0:
			return ""
		case 1:
			return strings.TrimSpace(vals[0])
		}
		trimmed := make([]string, len(vals))
		for i, v := range vals {
			trimmed[i] = strings.TrimSpace(v)
		}
		sort.Strings(trimmed)
		return strings.Join(trimmed, ",")
	}
}

// v3StringToSign is the algorithm name, a newline and the hex SHA-256 of the
// canonical request.
func v3StringToSign(canonicalRequest string) string {
	return v3Algorithm + "\n" + sha256Hex([]byte(canonicalRequest))
}

// v3Signature is hex(HMAC-SHA256(secret, stringToSign)).
func v3Signature(secret, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}
