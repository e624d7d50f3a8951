package aliyun

import (
	"io"
	"net/http"
	"strconv"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
)

// typedError reads an error response (HTTP 4xx or 5xx) into the SDK's
// typed error, the way the SDK's CallApiWithCtx does (darabonba-openapi
// doRequestWithCtx_opResponse) and with the SDK's own readers: a
// throttling Code gives a *ThrottlingError with the RetryAfter of the
// rate-limit headers, any other 4xx a *ClientError, a 5xx a *ServerError.
// A body that is not JSON (nor, with the SDK's XML content type, XML)
// gives the parse error instead, as it does in the SDK.
func typedError(resp *http.Response) error {
	doc, err := errorDocument(resp)
	if err != nil {
		return err
	}
	status := dara.Int(resp.StatusCode)
	requestID := dara.ToString(dara.Default(doc["RequestId"], doc["requestId"]))
	code := dara.ToString(dara.Default(doc["Code"], doc["code"]))
	message := dara.String("code: " + strconv.Itoa(resp.StatusCode) + ", " +
		dara.ToString(dara.Default(doc["Message"], doc["message"])) + " request id: " + requestID)
	description := dara.String(dara.ToString(dara.Default(doc["Description"], doc["description"])))
	switch {
	case code == "Throttling" || code == "Throttling.User" || code == "Throttling.Api":
		return &openapi.ThrottlingError{
			StatusCode: status, Code: dara.String(code), Message: message, Description: description,
			RetryAfter: openapiutil.GetThrottlingTimeLeft(map[string]*string{
				"x-ratelimit-user-api": firstHeader(resp.Header, "x-ratelimit-user-api"),
				"x-ratelimit-user":     firstHeader(resp.Header, "x-ratelimit-user"),
			}),
			Data: doc, RequestId: dara.String(requestID),
		}
	case resp.StatusCode < 500:
		return &openapi.ClientError{
			StatusCode: status, Code: dara.String(code), Message: message, Description: description,
			Data: doc, AccessDeniedDetail: (&openapi.Client{}).GetAccessDeniedDetail(doc),
			RequestId: dara.String(requestID),
		}
	default:
		return &openapi.ServerError{
			StatusCode: status, Code: dara.String(code), Message: message, Description: description,
			Data: doc, RequestId: dara.String(requestID),
		}
	}
}

// errorDocument is the error body as the SDK reads it: XML's Error element
// when the content type says so, otherwise JSON (an empty body is an empty
// document).
func errorDocument(resp *http.Response) (map[string]any, error) {
	if firstHeaderValue(resp.Header, "content-type") == "text/xml;charset=utf-8" {
		s, err := dara.ReadAsString(resp.Body)
		if err != nil {
			return nil, err
		}
		return dara.ToMap(dara.ParseXml(s, nil)["Error"]), nil
	}
	v, err := dara.ReadAsJSON(resp.Body)
	if err != nil {
		return nil, err
	}
	return dara.ToMap(v), nil
}

// firstHeader is the first value of a response header, nil when absent,
// as the SDK's response map holds it.
func firstHeader(h http.Header, name string) *string {
	if v := h.Values(name); len(v) > 0 {
		return dara.String(v[0])
	}
	return nil
}

func firstHeaderValue(h http.Header, name string) string {
	return dara.StringValue(firstHeader(h, name))
}

// decodeAndDrain decodes a successful body and reads it to the end, so
// that its connection goes back to the pool before the caller's request
// slot is released.
func decodeAndDrain(body io.Reader, decode func(io.Reader) error) error {
	if err := decode(body); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, body)
	return err
}
