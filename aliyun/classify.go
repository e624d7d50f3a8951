package aliyun

// Classification: what one attempt's failure means. classify gives it a
// bounded Code (the vendor's error Code, else one of ours), retryable says
// whether another attempt may help, and retryAfterMillis reads the
// server's hint of when.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
)

// credentialError marks a failure of the credential provider, so that it is
// not mistaken for a transport error.
type credentialError struct{ err error }

func (e credentialError) Error() string { return "resolving credentials: " + e.err.Error() }
func (e credentialError) Unwrap() error { return e.err }

// classify turns what one SDK call returned into an *Error. status is the
// HTTP status the transport saw (0 if none).
func classify(ctx context.Context, err error, status int) *Error {
	code := classifyCode(ctx, err, status)
	return &Error{Code: code, HTTPStatus: status, Err: err, Message: message(code, err)}
}

func classifyCode(ctx context.Context, err error, status int) string {
	if code := apiCode(err); code != "" {
		return code
	}
	var ce credentialError
	switch {
	case errors.As(err, &ce):
		return CodeCredentials
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return CodeTimeout
	case status != 0:
		// A response arrived but did not carry an Alibaba Cloud error Code:
		// an HTML page from a proxy, a truncated or malformed body.
		return CodeDecode
	case isNetwork(err):
		return CodeNetwork
	default:
		return CodeDecode
	}
}

// sdkError returns the Code and Data of a typed SDK error (throttling,
// client or server); ok is false for any other error.
func sdkError(err error) (code *string, data map[string]interface{}, ok bool) {
	var (
		te *openapi.ThrottlingError
		ce *openapi.ClientError
		se *openapi.ServerError
	)
	switch {
	case errors.As(err, &te):
		return te.Code, te.Data, true
	case errors.As(err, &ce):
		return ce.Code, ce.Data, true
	case errors.As(err, &se):
		return se.Code, se.Data, true
	}
	return nil, nil, false
}

// apiCode is the Code of a typed SDK error, "" for any other error.
func apiCode(err error) string {
	code, _, _ := sdkError(err)
	if code == nil {
		return ""
	}
	return sanitizeCode(*code)
}

// sanitizeCode keeps a Code usable as a label: Alibaba Cloud codes are short
// dotted identifiers; anything else is reported as a decode failure.
func sanitizeCode(code string) string {
	if code == "" || len(code) > 64 {
		return ""
	}
	for _, r := range code {
		ok := r == '.' || r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return ""
		}
	}
	return code
}

func isNetwork(err error) bool {
	var (
		ue *url.Error
		ne net.Error
		oe *net.OpError
	)
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.As(err, &oe) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.EOF)
}

// retryable reports whether another attempt of the same call may succeed:
// throttling, server-side failures and transport failures.
func (e *Error) retryable() bool {
	switch {
	case e.throttled(), e.Code == "ServiceUnavailable", e.Code == "InternalError":
		return true
	case e.Code == CodeTimeout, e.Code == CodeCredentials:
		return false
	case e.HTTPStatus >= 500:
		return true
	case e.Code == CodeNetwork:
		return true
	case e.Code == CodeDecode:
		// A body cut off mid-way is a transport failure in disguise.
		return errors.Is(e.Err, io.ErrUnexpectedEOF)
	}
	return false
}

// throttled reports whether the API refused the call for its rate limit
// (Throttling, Throttling.User, Throttling.Api, …).
func (e *Error) throttled() bool { return strings.HasPrefix(e.Code, "Throttling") }

// retryAfterMillis is the server's hint for a throttled call, 0 if none.
func retryAfterMillis(err error) int64 {
	var te *openapi.ThrottlingError
	if errors.As(err, &te) && te.RetryAfter != nil && *te.RetryAfter > 0 {
		return *te.RetryAfter
	}
	return 0
}
