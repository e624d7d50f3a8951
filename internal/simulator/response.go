package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// jsonContentType is the Content-Type of every JSON answer.
const jsonContentType = "application/json;charset=utf-8"

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

// mustJSON marshals one of the simulator's own answer documents, which
// hold only strings, numbers and slices of them, so cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
