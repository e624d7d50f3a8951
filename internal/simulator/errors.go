package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
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

// errorBody is the JSON error document of the ECS OpenAPI.
type errorBody struct {
	RequestID string `json:"RequestId"`
	HostID    string `json:"HostId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Recommend string `json:"Recommend"`
}

const jsonContentType = "application/json;charset=utf-8"

// errorJSON renders e for a request to host.
func errorJSON(requestID, host string, e *apiError) []byte {
	b, err := json.Marshal(errorBody{
		RequestID: requestID,
		HostID:    host,
		Code:      e.Code,
		Message:   e.Message,
		Recommend: "https://api.aliyun.com/troubleshoot?q=" + e.Code + "&product=Ecs&requestId=" + requestID,
	})
	if err != nil { // cannot happen: only strings
		panic(err)
	}
	return b
}

// writeBody sends a complete response.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	h := w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
