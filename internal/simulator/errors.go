package simulator

import (
	"fmt"
	"net/http"
)

// apiError is an error the simulator answers with, as the real API would.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// missingParameter is the API's answer to a request without a mandatory
// parameter (or header) name.
func missingParameter(name string) *apiError {
	return errorf(400, "MissingParameter",
		"The input parameter %q that is mandatory for processing this request is not supplied.", name)
}

func errShuttingDown() *apiError {
	return errorf(http.StatusServiceUnavailable, "ServiceUnavailable", "The simulator is shutting down.")
}

// errorBody is the JSON error document of the ECS OpenAPI.
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

// errorJSON renders e for a request to host.
func errorJSON(requestID, host string, e *apiError) []byte {
	return mustJSON(errorBody{
		RequestID: requestID,
		HostID:    host,
		Code:      e.Code,
		Message:   e.Message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + e.Code + "&product=Ecs&requestId=" + requestID,
	})
}
