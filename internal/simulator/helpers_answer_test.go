package simulator

// Checks of the simulator's own answers, as a server in the same process
// gives them: the error codes doc.go documents, and what any answer and a
// DescribeInstanceStatus page must hold.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"
)

// documented is the code → HTTP status table of doc.go: every error the
// simulator answers with must be one of these, with its status.
var documented = map[string]int{
	"MissingParameter":                    400,
	"IncompleteSignature":                 400,
	"InvalidAccessKeyId.NotFound":         404,
	"SignatureDoesNotMatch":               400,
	"InvalidTimeStamp.Format":             400,
	"InvalidTimeStamp.Expired":            400,
	"SignatureNonceUsed":                  400,
	"InvalidSecurityToken.Malformed":      400,
	"InvalidSecurityToken.Expired":        400,
	"InvalidVersion":                      400,
	"InvalidAction.NotFound":              404,
	"MissingRegionId":                     400,
	"InvalidRegionId.NotFound":            404,
	"InvalidZoneId.NotFound":              404,
	"InvalidParameter":                    400,
	"InvalidParameter.TooManyInstanceIds": 403,
	"Throttling.User":                     400,
	"ServiceUnavailable":                  503,
}

// serve answers req in process, without a listener, and returns the
// recorded answer.
func serve(s *Server, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// checkAnswer checks what any request gets back: JSON with a RequestId and,
// for an error, a documented code with its documented status.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) (code string) {
	t.Helper()
	var e struct{ RequestID, Code string }
	body := rec.Body.Bytes()
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("HTTP %d with a body that is not JSON: %v\n%q", rec.Code, err, body)
	}
	if e.RequestID == "" {
		t.Fatalf("HTTP %d without a RequestId: %s", rec.Code, body)
	}
	if rec.Code == http.StatusOK {
		return ""
	}
	want, ok := documented[e.Code]
	if !ok {
		t.Fatalf("HTTP %d with undocumented code %q: %s", rec.Code, e.Code, body)
	}
	if rec.Code != want {
		t.Fatalf("code %s came with HTTP %d, documented %d: %s", e.Code, rec.Code, want, body)
	}
	return e.Code
}

// checkPage checks a 200 answer against the fleet and the query's region,
// zone, instance IDs, page number and size.
func checkPage(t *testing.T, q url.Values, fleet []Instance, body []byte) {
	t.Helper()
	var got instanceStatusesBody
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if q.Get("RegionId") != "cn-hangzhou" {
		t.Fatalf("region %q was served: %s", q.Get("RegionId"), body)
	}
	list := fleet
	if z := q.Get("ZoneId"); z != "" {
		list = nil
		for _, in := range fleet {
			if in.Zone == z {
				list = append(list, in)
			}
		}
	}
	if _, named := q["InstanceId.1"]; named && q.Get("InstanceId.1") != "" {
		var picked []Instance
		for i := 1; q.Get("InstanceId."+strconv.Itoa(i)) != ""; i++ {
			id := q.Get("InstanceId." + strconv.Itoa(i))
			for _, in := range list {
				if in.ID == id && !slices.ContainsFunc(picked, func(p Instance) bool { return p.ID == id }) {
					picked = append(picked, in)
				}
			}
		}
		list = picked
	}
	number, size := 1, defaultPageSize
	if v := q.Get("PageNumber"); v != "" {
		number, _ = strconv.Atoi(v)
	}
	if v := q.Get("PageSize"); v != "" {
		size, _ = strconv.Atoi(v)
	}
	if number < 1 || size < 1 || size > maxPageSize {
		t.Fatalf("PageNumber %q PageSize %q were accepted", q.Get("PageNumber"), q.Get("PageSize"))
	}
	if got.TotalCount != len(list) || got.PageNumber != number || got.PageSize != size {
		t.Fatalf("TotalCount %d PageNumber %d PageSize %d, want %d %d %d", got.TotalCount, got.PageNumber, got.PageSize, len(list), number, size)
	}
	var want []string
	if start := (number - 1) * size; number-1 < (len(list)+size-1)/size {
		for _, in := range list[start:min(start+size, len(list))] {
			want = append(want, in.ID+"="+in.Status)
		}
	}
	var items []string
	for _, it := range got.InstanceStatuses.InstanceStatus {
		items = append(items, it.InstanceID+"="+it.Status)
	}
	if !slices.Equal(items, want) {
		t.Fatalf("page %d of %d: got %v, want %v", number, size, items, want)
	}
}
