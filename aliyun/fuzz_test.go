package aliyun

// Fuzz targets for what the aliyun package parses from outside: response
// bodies (decodeStatusPage, and the whole response path of the client, status
// and error body included) and the zone-to-region mapping of --aliyun.zone
// (FuzzZoneRegion is in zones_test.go). `make fuzz` runs each briefly; see
// README, "Fuzzing", for a longer run.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// pageSeeds are response bodies worth starting from: real pages, the error
// documents the API sends, and the broken answers proxies send.
var pageSeeds = []string{
	`{"RequestId":"6EF60BEC-0242-43AF-BB20-270359FB54A7","TotalCount":2,"PageNumber":1,"PageSize":50,"InstanceStatuses":{"InstanceStatus":[{"InstanceId":"i-bp1j4i2jdf3owlhe****","Status":"Running"},{"InstanceId":"i-bp1j4i2jdf3owlhe****2","Status":"Stopped"}]}}`,
	`{"TotalCount":0,"InstanceStatuses":{"InstanceStatus":[]}}`,
	`{"TotalCount":120,"InstanceStatuses":{"InstanceStatus":[{"InstanceId":"i-a","Status":"Running"},{"InstanceId":"i-a","Status":"Stopped"},{"InstanceId":"","Status":"Running"}]}}`,
	`{"TotalCount":-1,"InstanceStatuses":{}}`,
	`{"TotalCount":1000001}`,
	`{"TotalCount":1e3}`,
	`{"TotalCount":"3"}`,
	`{"InstanceStatuses":{"InstanceStatus":[{"InstanceId":"i-a","Status":"Running"}]}}`,
	`{"totalcount":1,"instancestatuses":{"instancestatus":[{"instanceid":"i-a","status":"Running"}]}}`,
	`{"RequestId":"x","HostId":"ecs.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`,
	`{"Code":"InvalidRegionId.NotFound","Message":"The specified RegionId does not exist."}`,
	`{"Code":"bad code with spaces","Message":"x"}`,
	`{"Code":12345}`,
	`<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`,
	`{"TotalCount":3,"InstanceStatuses":{"InstanceStatus":[{"InstanceId":"i-`,
	`{"TotalCount": 3,, }`,
	`[]`, `null`, ``, `{}`, `{"TotalCount":1} trailing`,
}

// FuzzDecodeStatusPage: see fuzzCountedDecoder.
func FuzzDecodeStatusPage(f *testing.F) {
	fuzzCountedDecoder(f, pageSeeds, decodeStatusPage, func(t *testing.T, p countedPage[Instance]) []byte {
		return apiPage(t, p.Total, p.Items)
	}, func(in Instance) string { return in.ID })
}

// fuzzCountedDecoder fuzzes the decoder of a PageNumber-paged action from
// seeds: any body either fails to decode or yields a page with a plausible
// TotalCount and only items with an ID; and a decoded page, written back
// as the API would (render), decodes to the same page.
func fuzzCountedDecoder[T comparable](f *testing.F, seeds []string, decode func(io.Reader) (countedPage[T], error), render func(*testing.T, countedPage[T]) []byte, id func(T) string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decode(bytes.NewReader(body))
		if err != nil {
			return
		}
		if p.Total < 0 || p.Total > maxInstances {
			t.Fatalf("TotalCount %d outside 0..%d was accepted", p.Total, maxInstances)
		}
		if slices.ContainsFunc(p.Items, func(v T) bool { return id(v) == "" }) {
			t.Fatalf("an item without InstanceId was kept: %+v", p.Items)
		}
		again, err := decode(bytes.NewReader(render(t, p)))
		if err != nil {
			t.Fatalf("re-encoded page does not decode: %v", err)
		}
		if again.Total != p.Total || !slices.Equal(again.Items, p.Items) {
			t.Fatalf("round trip changed the page:\n got %+v\nwant %+v", again, p)
		}
	})
}

// apiPage renders a DescribeInstanceStatus page the way the API does.
func apiPage(t *testing.T, total int, items []Instance) []byte {
	t.Helper()
	type item struct {
		InstanceID string `json:"InstanceId"`
		Status     string
	}
	var body struct {
		RequestID        string `json:"RequestId"`
		TotalCount       int
		PageNumber       int
		PageSize         int
		InstanceStatuses struct{ InstanceStatus []item }
	}
	body.RequestID, body.TotalCount, body.PageNumber, body.PageSize = "fuzz", total, 1, MaxPageSize
	body.InstanceStatuses.InstanceStatus = []item{}
	for _, in := range items {
		body.InstanceStatuses.InstanceStatus = append(body.InstanceStatuses.InstanceStatus, item{in.ID, in.Status})
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// labelSafe is what any code the client reports must look like: it
// becomes the value of the code label of two metrics.
var labelSafe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// fuzzStatuses are the HTTP statuses the fuzzed endpoint answers with.
var fuzzStatuses = []int{200, 200, 400, 403, 404, 429, 500, 502, 503}

// FuzzResponseHandling drives the real client (vendor SDK included) against
// an endpoint whose first page is any status and body; later pages are a
// plain API error, so a body that claims a huge TotalCount costs a handful
// of requests. Whatever comes back, the client returns either a clean list
// (no empty or repeated IDs, only after a 200) or an error whose code is
// label-safe and right: "decode" for a 200 that is not a page, the body's
// own Code for an API error document, never a transport or credential code.
func FuzzResponseHandling(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add(uint8(0), []byte(s))
		f.Add(uint8(2), []byte(s))
	}
	f.Add(uint8(7), []byte(`{"Code":"ServiceUnavailable","Message":"x"}`))

	type answer struct {
		status int
		body   []byte
	}
	var current atomic.Pointer[answer]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("PageNumber") != "1" {
			w.Header().Set("Content-Type", "application/json;charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"RequestId":"later","Code":"InvalidParameter","Message":"only page 1 is fuzzed"}`))
			return
		}
		a := current.Load()
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	f.Cleanup(srv.Close)
	testenv.PinEnv(f)
	ep, _ := url.Parse(srv.URL)
	cred, err := StaticCredential(testKey, testSecret, "")
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, statusPick uint8, body []byte) {
		// A client per input: the region's adaptive rate limit must not
		// carry one input's throttling into the next.
		c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Endpoint: ep})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		status := fuzzStatuses[int(statusPick)%len(fuzzStatuses)]
		current.Store(&answer{status: status, body: body})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		got, err := c.InstanceStatuses(ctx, "cn-hangzhou", nil)
		if err == nil {
			if status != 200 {
				t.Fatalf("HTTP %d was taken for a page", status)
			}
			seen := map[string]bool{}
			for _, in := range got {
				if in.ID == "" || seen[in.ID] {
					t.Fatalf("empty or repeated ID %q in %+v", in.ID, got)
				}
				seen[in.ID] = true
			}
			return
		}
		code := ErrorCode(err)
		if !labelSafe.MatchString(code) {
			t.Fatalf("code %q is not label-safe (err %v)", code, err)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not an *Error", err)
		}
		if e.HTTPStatus == 0 || code == CodeNetwork || code == CodeCredentials || code == CodeTimeout {
			// The endpoint always answers, and the credential is static.
			t.Fatalf("HTTP %d answered, but the client reports %q (status %d): %v", status, code, e.HTTPStatus, err)
		}
		if n := utf8.RuneCountInString(e.Message); n > maxMessage || strings.ContainsFunc(e.Message, unicode.IsControl) {
			t.Fatalf("message of %d runes, or with a control character: %q", n, e.Message)
		}
		if status == 200 {
			// Page 1 either is not a page (decode), or is one that
			// claims more pages, which this endpoint refuses.
			want := CodeDecode
			if _, derr := decodeStatusPage(bytes.NewReader(body)); derr == nil {
				want = "InvalidParameter"
			}
			if code != want {
				t.Fatalf("a 200 first page gave code %q, want %q: %v", code, want, err)
			}
		}
		if want, ok := errorDocCode(body); status >= 400 && ok && code != want {
			t.Fatalf("HTTP %d with error Code %q gave code %q: %v", status, want, code, err)
		}
	})
}

// errorDocCode is the Code of an API error document whose Code is a plain,
// label-safe string (the SDK's reading of it: "Code", else "code").
func errorDocCode(body []byte) (string, bool) {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return "", false
	}
	v, ok := doc["Code"]
	if !ok || v == nil {
		v = doc["code"]
	}
	s, ok := v.(string)
	if !ok || !labelSafe.MatchString(s) {
		return "", false
	}
	return s, true
}

// FuzzAssignZones: every --aliyun.zone lands in exactly one configured
// region, the one ZoneRegion picks, in the order given, without repeats; or
// the whole assignment fails on a zone that has no region.
func FuzzAssignZones(f *testing.F) {
	for _, z := range []string{"cn-hangzhou-h,eu-central-1a,cn-hangzhou-i,cn-hangzhou-h", "cn-shanghai-finance-1a", "us-west-1a", ",", "cn-hangzhou-h,,cn-hangzhou-h"} {
		f.Add(z)
	}
	regions := []string{"cn-hangzhou", "cn-shanghai", "cn-shanghai-finance-1", "eu-central-1"}
	f.Fuzz(func(t *testing.T, list string) {
		zones := strings.Split(list, ",")
		got, err := AssignZones(zones, regions)
		if err != nil {
			for _, z := range zones {
				if _, zerr := ZoneRegion(z, regions); zerr != nil {
					return
				}
			}
			t.Fatalf("AssignZones(%q) failed although every zone has a region: %v", zones, err)
		}
		var want []string
		for _, z := range zones {
			if !slices.Contains(want, z) {
				want = append(want, z)
			}
		}
		n := 0
		for r, zs := range got {
			if !slices.Contains(regions, r) {
				t.Fatalf("zones assigned to unconfigured region %q", r)
			}
			n += len(zs)
			last := -1
			for _, z := range zs {
				if zr, _ := ZoneRegion(z, regions); zr != r {
					t.Fatalf("zone %q assigned to %q, ZoneRegion says %q", z, r, zr)
				}
				i := slices.Index(want, z)
				if i <= last {
					t.Fatalf("region %q zones %q are out of order or repeated (given %q)", r, zs, zones)
				}
				last = i
			}
		}
		if n != len(want) {
			t.Fatalf("%d zones assigned, want %d distinct: %v", n, len(want), got)
		}
	})
}
