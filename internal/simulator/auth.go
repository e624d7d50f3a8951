package simulator

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Credential is one access key the simulator accepts.
type Credential struct {
	Secret        string
	SecurityToken string // non-empty: an STS credential; requests must carry exactly this token
	Expired       bool   // STS token expired
}

const (
	apiVersion = "2014-05-26"
	// clockSkew is how far a request's timestamp may be from the
	// simulator's clock, either way.
	clockSkew = 15 * time.Minute
)

// v3RequiredSigned are the headers a V3 request must sign.
var v3RequiredSigned = []string{
	"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
	"x-acs-signature-nonce", "x-acs-version",
}

// caller is what authentication learns about a request.
type caller struct {
	action  string
	version string
}

// authenticate checks the request's V3 Authorization header or, without
// one, its V1 Signature parameter. params are the decoded query and form
// parameters; body is the raw body.
func (s *Server) authenticate(r *http.Request, query, params url.Values, body []byte) (caller, *apiError) {
	if authz := r.Header.Get("Authorization"); authz != "" {
		return s.verifyV3(r, authz, query, body)
	}
	if params.Get("Signature") != "" {
		return s.verifyV1(r.Method, params)
	}
	return caller{}, errorf(400, "MissingParameter",
		`The input parameter "Signature" that is mandatory for processing this request is not supplied.`)
}

func (s *Server) verifyV3(r *http.Request, authz string, query url.Values, body []byte) (caller, *apiError) {
	a, ok := parseV3Authorization(authz)
	if !ok {
		return caller{}, errorf(400, "IncompleteSignature",
			"The Authorization header must be %q followed by Credential=, SignedHeaders= and Signature=.", v3Algorithm+" ")
	}
	cred, ok := s.creds[a.AccessKeyID]
	if !ok {
		return caller{}, errorf(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	for _, name := range v3RequiredSigned {
		if !slices.Contains(a.SignedHeaders, name) {
			return caller{}, errorf(400, "IncompleteSignature", "The header %q must be among SignedHeaders.", name)
		}
	}
	header := v3HeaderFunc(r)
	hash := sha256Hex(body)
	if header("x-acs-content-sha256") != hash {
		return caller{}, errorf(400, "SignatureDoesNotMatch",
			"The x-acs-content-sha256 header does not match the SHA-256 of the request body.")
	}
	want := v3Signature(cred.Secret, v3StringToSign(v3CanonicalRequest(v3Request{
		Method:        r.Method,
		Path:          r.URL.EscapedPath(),
		Query:         query,
		Header:        header,
		SignedHeaders: a.SignedHeaders,
		PayloadHash:   hash,
	})))
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.Signature)) != 1 {
		return caller{}, signatureMismatch()
	}
	if err := s.checkTimestamp(header("x-acs-date"), "x-acs-date"); err != nil {
		return caller{}, err
	}
	if err := checkToken(cred, header("x-acs-security-token")); err != nil {
		return caller{}, err
	}
	if err := s.useNonce(header("x-acs-signature-nonce"), "x-acs-signature-nonce"); err != nil {
		return caller{}, err
	}
	return caller{action: header("x-acs-action"), version: header("x-acs-version")}, nil
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

func (s *Server) verifyV1(method string, params url.Values) (caller, *apiError) {
	ak := params.Get("AccessKeyId")
	if ak == "" {
		return caller{}, errorf(400, "MissingParameter",
			`The input parameter "AccessKeyId" that is mandatory for processing this request is not supplied.`)
	}
	cred, ok := s.creds[ak]
	if !ok {
		return caller{}, errorf(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	if m := params.Get("SignatureMethod"); m != v1Method {
		return caller{}, errorf(400, "IncompleteSignature", "SignatureMethod must be %q, not %q.", v1Method, m)
	}
	if v := params.Get("SignatureVersion"); v != "1.0" {
		return caller{}, errorf(400, "IncompleteSignature", `SignatureVersion must be "1.0", not %q.`, v)
	}
	want := v1Signature(cred.Secret, v1StringToSign(method, params))
	if subtle.ConstantTimeCompare([]byte(want), []byte(params.Get("Signature"))) != 1 {
		return caller{}, signatureMismatch()
	}
	if err := s.checkTimestamp(params.Get("Timestamp"), "Timestamp"); err != nil {
		return caller{}, err
	}
	if err := checkToken(cred, params.Get("SecurityToken")); err != nil {
		return caller{}, err
	}
	if err := s.useNonce(params.Get("SignatureNonce"), "SignatureNonce"); err != nil {
		return caller{}, err
	}
	return caller{action: params.Get("Action"), version: params.Get("Version")}, nil
}

func signatureMismatch() *apiError {
	return errorf(400, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
}

// checkTimestamp requires an ISO 8601 UTC time within clockSkew of the
// simulator's clock.
func (s *Server) checkTimestamp(v, name string) *apiError {
	if v == "" {
		return errorf(400, "MissingParameter",
			"The input parameter %q that is mandatory for processing this request is not supplied.", name)
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return errorf(400, "InvalidTimeStamp.Format", "Specified time stamp %q is not in ISO 8601 UTC form (yyyy-MM-ddTHH:mm:ssZ).", v)
	}
	if d := s.now().Sub(t); d > clockSkew || d < -clockSkew {
		return errorf(400, "InvalidTimeStamp.Expired",
			"Specified time stamp or date value is expired: %s is more than %s from the server's time.", v, clockSkew)
	}
	return nil
}

// checkToken enforces an STS credential's security token.
func checkToken(cred Credential, token string) *apiError {
	if cred.SecurityToken == "" {
		return nil
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(cred.SecurityToken)) != 1 {
		return errorf(400, "InvalidSecurityToken.Malformed", "The Security Token is malformed.")
	}
	if cred.Expired {
		return errorf(400, "InvalidSecurityToken.Expired", "The Security Token has expired.")
	}
	return nil
}

func (s *Server) useNonce(nonce, name string) *apiError {
	if nonce == "" {
		return errorf(400, "MissingParameter",
			"The input parameter %q that is mandatory for processing this request is not supplied.", name)
	}
	if !s.nonces.use(nonce, s.now()) {
		return errorf(400, "SignatureNonceUsed", "The request signature nonce has been used.")
	}
	return nil
}

// nonceCache remembers nonces in two generations, each rotated out after
// twice the clock skew, so a nonce is remembered for at least as long as a
// request carrying it can pass the timestamp check, and memory stays
// bounded under a long benchmark.
type nonceCache struct {
	mu      sync.Mutex
	cur     map[string]struct{}
	prev    map[string]struct{}
	rotated time.Time
}

// use records nonce and reports whether it was fresh.
func (c *nonceCache) use(nonce string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil || now.Sub(c.rotated) >= 2*clockSkew {
		c.prev, c.cur, c.rotated = c.cur, map[string]struct{}{}, now
	}
	if _, ok := c.cur[nonce]; ok {
		return false
	}
	if _, ok := c.prev[nonce]; ok {
		return false
	}
	c.cur[nonce] = struct{}{}
	return true
}
