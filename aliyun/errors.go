package aliyun

import (
	"context"
	"errors"
	"fmt"
)

// Error codes for failures that carry no Alibaba Cloud error Code.
const (
	CodeTimeout     = "timeout"     // the scrape deadline passed
	CodeNetwork     = "network"     // connection refused, reset, DNS, TLS, …
	CodeDecode      = "decode"      // the response was not the JSON the API sends
	CodeCredentials = "credentials" // the credential chain yielded no credential
)

// Error is a failed API call. Code is the Alibaba Cloud error Code
// (InvalidRegionId.NotFound, Throttling.User, …) or one of CodeTimeout,
// CodeNetwork, CodeDecode and CodeCredentials. It is bounded in cardinality
// and safe to use as a label value; Err holds the detail for logs.
type Error struct {
	Code       string
	HTTPStatus int // 0 when no response arrived
	Err        error
	// Message is what may be shown of the failure to an operator (on a
	// status page, say): the API's own Message for an API error, else a
	// short description. It never carries a signature, a token or a
	// secret, and is at most 300 characters; "" when not known.
	Message string
}

// Error reads as the code, the HTTP status if any, and the detail.
func (e *Error) Error() string {
	if e.HTTPStatus != 0 {
		return fmt.Sprintf("%s (HTTP %d): %v", e.Code, e.HTTPStatus, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Code, e.Err)
}

// Unwrap returns the detail, so that errors.Is and errors.As see through.
func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns the label-safe code of err: the Code of an *Error in its
// chain, CodeTimeout for a context error, and CodeNetwork otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return CodeTimeout
	}
	return CodeNetwork
}
