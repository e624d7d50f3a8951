package aliyun

// Messages: what an operator may be shown of a failure (a status page, not
// only a log). The API's own Message says what went wrong in its words;
// for our own codes a short description stands in. Either way it passes
// through safeMessage, which never lets a signature, a token or a secret
// through: the real API quotes its string to sign back in some
// SignatureDoesNotMatch messages (with the STS token in it under V1
// signing), and a transport error's URL carries the V1 query signature.

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxMessage bounds a message, in runes: room for any message worth
// reading, and nothing like a whole response body.
const maxMessage = 300

// message is what Error.Message says of err, whose code is code.
func message(code string, err error) string {
	if m, ok := apiMessage(err); ok {
		return safeMessage(m)
	}
	var ce credentialError
	switch {
	case code == CodeTimeout:
		return "the deadline passed before the API answered"
	case errors.As(err, &ce):
		return safeMessage("the credential provider failed: " + ce.err.Error())
	case code == CodeDecode:
		return safeMessage("the response was not the JSON the API sends: " + detail(err))
	}
	return safeMessage(detail(err))
}

// apiMessage is the Message of the error body of a typed SDK error. The
// SDK's own Message wraps it in the HTTP status and the request ID, so it
// is read from the body (Data) instead.
func apiMessage(err error) (string, bool) {
	_, data, ok := sdkError(err)
	if !ok {
		return "", false
	}
	for _, k := range []string{"Message", "message"} {
		if m, ok := data[k].(string); ok {
			return m, true
		}
	}
	return "", true
}

// detail is err's text without the request URL of a transport error.
func detail(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

var (
	// stringToSign starts the part of a message that quotes the request
	// as signed: "server string to sign is: …", "StringToSign: …".
	stringToSign = regexp.MustCompile(`(?i)string[ _-]?to[ _-]?sign`)
	// secretValue is a secret's name, then = or :, then its value.
	secretValue = regexp.MustCompile(`(?i)((?:signature|security[_-]?token|access[_-]?key[_-]?secret|secret|password|authorization)["']?\s*[=:]\s*["']?)[^\s&"',;]+`)
)

// safeMessage makes s fit to show: cut before any string to sign, secret
// values replaced by REDACTED, control characters spaced out, and at most
// maxMessage runes.
func safeMessage(s string) string {
	if loc := stringToSign.FindStringIndex(s); loc != nil {
		s = strings.TrimRight(s[:loc[0]], " :,;-") + " (string to sign left out)"
	}
	s = secretValue.ReplaceAllString(s, "${1}REDACTED")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxMessage {
		s = string([]rune(s)[:maxMessage-1]) + "…"
	}
	return s
}

// ErrorMessage is what may be shown of err to an operator: the Message of
// an *Error in its chain, else err's text made as safe (see Error.Message).
// It is "" for a nil err.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return message(ErrorCode(err), err)
}
