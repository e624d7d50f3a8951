package simulator

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"
)

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

// signedFields names where a signature version carries the fields checked
// once the signature is good: V3 in headers, V1 in parameters.
type signedFields struct{ date, token, nonce, action, version string }

var (
	v3Fields = signedFields{"x-acs-date", "x-acs-security-token", "x-acs-signature-nonce", "x-acs-action", "x-acs-version"}
	v1Fields = signedFields{"Timestamp", "SecurityToken", "SignatureNonce", "Action", "Version"}
)

// caller is what authentication learns about a request.
type caller struct {
	action  string
	version string
}

// verifier authenticates requests as the real API does: it checks the
// signature against the account's credentials, the timestamp against its
// clock, the STS token, and that the nonce is fresh. Its credentials are
// read-only; the nonce cache has its own lock.
type verifier struct {
	creds  map[string]Credential
	now    func() time.Time
	nonces nonceCache
}

func newVerifier(creds map[string]Credential, now func() time.Time) *verifier {
	return &verifier{creds: maps.Clone(creds), now: now}
}

// authenticate checks the request's V3 Authorization header or, without
// one, its V1 Signature parameter. params are the decoded query and form
// parameters; body is the raw body.
func (v *verifier) authenticate(r *http.Request, query, params url.Values, body []byte) (caller, *apiError) {
	if authz := r.Header.Get("Authorization"); authz != "" {
		return v.verifyV3(r, authz, query, body)
	}
	if params.Get("Signature") != "" {
		return v.verifyV1(r.Method, params)
	}
	return caller{}, missingParameter("Signature")
}

// verifyV3 checks an ACS3-HMAC-SHA256 Authorization header: the key, the
// signed header list, the body hash, the signature, then admit.
func (v *verifier) verifyV3(r *http.Request, authz string, query url.Values, body []byte) (caller, *apiError) {
	a, ok := parseV3Authorization(authz)
	if !ok {
		return caller{}, errorf(400, "IncompleteSignature",
			"The Authorization header must be %q followed by Credential=, SignedHeaders= and Signature=.", v3Algorithm+" ")
	}
	cred, err := v.credential(a.AccessKeyID)
	if err != nil {
		return caller{}, err
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
	if !equal(want, a.Signature) {
		return caller{}, signatureMismatch()
	}
	return v.admit(cred, header, v3Fields)
}

// verifyV1 checks an HMAC-SHA1 Signature parameter: the key, the method
// and version, the signature, then admit.
func (v *verifier) verifyV1(method string, params url.Values) (caller, *apiError) {
	ak := params.Get("AccessKeyId")
	if ak == "" {
		return caller{}, missingParameter("AccessKeyId")
	}
	cred, err := v.credential(ak)
	if err != nil {
		return caller{}, err
	}
	if m := params.Get("SignatureMethod"); m != v1Method {
		return caller{}, errorf(400, "IncompleteSignature", "SignatureMethod must be %q, not %q.", v1Method, m)
	}
	if ver := params.Get("SignatureVersion"); ver != "1.0" {
		return caller{}, errorf(400, "IncompleteSignature", `SignatureVersion must be "1.0", not %q.`, ver)
	}
	if !equal(v1Signature(cred.Secret, v1StringToSign(method, params)), params.Get("Signature")) {
		return caller{}, signatureMismatch()
	}
	return v.admit(cred, params.Get, v1Fields)
}

// credential looks up an access key.
func (v *verifier) credential(accessKeyID string) (Credential, *apiError) {
	cred, ok := v.creds[accessKeyID]
	if !ok {
		return Credential{}, errorf(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	}
	return cred, nil
}

// admit checks what a good signature does not prove, reading the fields
// with get: the timestamp, the STS token and the nonce, in that order.
func (v *verifier) admit(cred Credential, get func(string) string, f signedFields) (caller, *apiError) {
	if err := v.checkTimestamp(get(f.date), f.date); err != nil {
		return caller{}, err
	}
	if err := checkToken(cred, get(f.token)); err != nil {
		return caller{}, err
	}
	if err := v.useNonce(get(f.nonce), f.nonce); err != nil {
		return caller{}, err
	}
	return caller{action: get(f.action), version: get(f.version)}, nil
}

// checkTimestamp requires an ISO 8601 UTC time within clockSkew of the
// simulator's clock.
func (v *verifier) checkTimestamp(value, name string) *apiError {
	if value == "" {
		return missingParameter(name)
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return errorf(400, "InvalidTimeStamp.Format", "Specified time stamp %q is not in ISO 8601 UTC form (yyyy-MM-ddTHH:mm:ssZ).", value)
	}
	if d := v.now().Sub(t); d > clockSkew || d < -clockSkew {
		return errorf(400, "InvalidTimeStamp.Expired",
			"Specified time stamp or date value is expired: %s is more than %s from the server's time.", value, clockSkew)
	}
	return nil
}

// useNonce records the nonce, refusing one seen before.
func (v *verifier) useNonce(nonce, name string) *apiError {
	if nonce == "" {
		return missingParameter(name)
	}
	if !v.nonces.use(nonce, v.now()) {
		return errorf(400, "SignatureNonceUsed", "The request signature nonce has been used.")
	}
	return nil
}

// checkToken enforces an STS credential's security token.
func checkToken(cred Credential, token string) *apiError {
	if cred.SecurityToken == "" {
		return nil
	}
	if token == "" || !equal(token, cred.SecurityToken) {
		return errorf(400, "InvalidSecurityToken.Malformed", "The Security Token is malformed.")
	}
	if cred.Expired {
		return errorf(400, "InvalidSecurityToken.Expired", "The Security Token has expired.")
	}
	return nil
}

// equal compares secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func signatureMismatch() *apiError {
	return errorf(400, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.")
}
