package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"syscall"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
)

func TestEachFaultKindIsWhatTheSDKSees(t *testing.T) {
	const region = "cn-hangzhou"
	tests := []struct {
		name       string
		fault      Fault
		wantCode   string // an API error with this code and status
		wantStatus int
		wantErr    bool // some other failure: decoding, transport
	}{
		{
			name:     "an error fault answers with its status and code",
			fault:    Fault{Status: 503, Code: "ServiceUnavailable", Message: "try later"},
			wantCode: "ServiceUnavailable", wantStatus: 503,
		},
		{
			name:     "a code alone is a 500",
			fault:    Fault{Code: "InternalError"},
			wantCode: "InternalError", wantStatus: 500,
		},
		{
			name:     "a throttling fault looks like the real throttling",
			fault:    Fault{Status: 400, Code: "Throttling.User", Message: "Request was denied due to user flow control."},
			wantCode: "Throttling.User", wantStatus: 400,
		},
		{
			name:    "a malformed JSON body fails to decode",
			fault:   Fault{Body: []byte(`{"RequestId":"x","TotalCount":`), ContentType: jsonContentType},
			wantErr: true,
		},
		{
			name:    "an HTML proxy page fails to decode",
			fault:   Fault{Status: 502, Body: []byte("<html><body>Bad Gateway</body></html>"), ContentType: "text/html"},
			wantErr: true,
		},
		{name: "a truncated body is a read error", fault: Fault{Truncate: true}, wantErr: true},
		{name: "a reset connection is a network error", fault: Fault{Reset: true}, wantErr: true},
		{name: "an oversized body still decodes", fault: Fault{Oversize: 1 << 20}},
		{name: "a short delay only slows the call", fault: Fault{Delay: time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 20, 1)}})
			s.InjectFault(region, tt.fault)
			c := newClient(t, endpoint, clientOpts{})
			body, err := describe(context.Background(), c, statusQuery{region: region})
			switch {
			case tt.wantCode != "":
				wantAPIError(t, err, tt.wantCode, tt.wantStatus)
			case tt.wantErr:
				if err == nil {
					t.Fatal("the call succeeded")
				}
				if code, _ := sdkCode(err); code != "" {
					t.Fatalf("got API error %q, want a decoding or transport failure: %v", code, err)
				}
				t.Logf("the SDK reports: %T: %v", err, err)
			default:
				if err != nil {
					t.Fatal(err)
				}
				if got, want := pageIDs(body), fleetIDs(s.Instances(region))[:10]; !reflect.DeepEqual(got, want) {
					t.Errorf("page = %v, want %v", got, want)
				}
			}
			if st := s.Stats(region); st.Faulted != 1 || st.Errors != 0 {
				t.Errorf("Stats = %+v, want 1 faulted, 0 errors", st)
			}
		})
	}
}

func TestFaultsOnTheWire(t *testing.T) {
	const region = "cn-hangzhou"
	q := url.Values{"RegionId": {region}, "PageSize": {"50"}}
	html := []byte("<html><body>502 Bad Gateway</body></html>")

	t.Run("a raw body is sent as given, with its status and content type", func(t *testing.T) {
		s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}})
		s.InjectFault("", Fault{Status: 502, Body: html, ContentType: "text/html"})
		res := send(t, newV3Request(t, endpoint, rawV3{query: q}))
		if res.err != nil || res.status != 502 || string(res.body) != string(html) || res.header.Get("Content-Type") != "text/html" {
			t.Errorf("got %d %q %q %v", res.status, res.header.Get("Content-Type"), res.body, res.err)
		}
	})

	t.Run("a truncated body declares its full length and stops half way", func(t *testing.T) {
		s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 60, 1)}})
		s.InjectFault(region, Fault{Truncate: true})
		res := send(t, newV3Request(t, endpoint, rawV3{query: q}))
		if !errors.Is(res.err, io.ErrUnexpectedEOF) {
			t.Fatalf("read error = %v, want unexpected EOF", res.err)
		}
		full, _ := strconv.Atoi(res.header.Get("Content-Length"))
		if full == 0 || len(res.body) != full/2 {
			t.Errorf("got %d bytes of a declared %d", len(res.body), full)
		}
	})

	t.Run("a reset drops the connection without a response", func(t *testing.T) {
		s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}})
		s.InjectFault(region, Fault{Reset: true})
		res := send(t, newV3Request(t, endpoint, rawV3{query: q}))
		if res.err == nil {
			t.Fatalf("got a response: %d %s", res.status, res.body)
		}
		if !errors.Is(res.err, syscall.ECONNRESET) && !errors.Is(res.err, io.EOF) {
			t.Errorf("error = %v, want a connection reset", res.err)
		}
	})

	t.Run("an oversized body is valid JSON of at least the size asked", func(t *testing.T) {
		s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 60, 1)}})
		s.InjectFault(region, Fault{Oversize: 3 << 20})
		res := send(t, newV3Request(t, endpoint, rawV3{query: q}))
		if res.err != nil || res.status != 200 {
			t.Fatalf("got %d %v", res.status, res.err)
		}
		var page instanceStatusesBody
		if err := json.Unmarshal(res.body, &page); err != nil {
			t.Fatalf("body is not JSON: %v", err)
		}
		if len(res.body) < 3<<20 || page.TotalCount != 60 || len(page.InstanceStatuses.InstanceStatus) != 50 {
			t.Errorf("got %d bytes, TotalCount %d, %d items", len(res.body), page.TotalCount, len(page.InstanceStatuses.InstanceStatus))
		}
	})
}

func TestADelayFaultEndsWhenTheClientTimesOut(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}})
	s.InjectFault(region, Fault{Delay: time.Hour})
	c := newClient(t, endpoint, clientOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := describe(ctx, c, statusQuery{region: region})
	if err == nil {
		t.Fatal("a call delayed by an hour returned before its 50ms deadline")
	}
	if st := s.Stats(region); st.Faulted != 1 {
		t.Errorf("Faulted = %d, want 1", st.Faulted)
	}
	if err := s.Close(); err != nil { // returns only once the delayed handler has given up
		t.Fatal(err)
	}
}

func TestWhichCallsAFaultAffects(t *testing.T) {
	const region, other = "cn-hangzhou", "cn-shanghai"
	tests := []struct {
		name        string
		faultRegion string
		fault       Fault
		calls       []string // region of each call; "regions" is a DescribeRegions call
		want        []bool   // whether each call fails
	}{
		{
			name:  "Every 3 fails every third matching call",
			fault: Fault{Every: 3, Code: "ServiceUnavailable", Status: 503},
			calls: []string{region, region, region, region, region, region},
			want:  []bool{false, false, true, false, false, true},
		},
		{
			name:  "Times 2 fails the first two matching calls only",
			fault: Fault{Times: 2, Code: "InternalError"},
			calls: []string{region, region, region, region},
			want:  []bool{true, true, false, false},
		},
		{
			name:  "Every 2 with Times 2 fails the second and fourth calls, then stops",
			fault: Fault{Every: 2, Times: 2, Code: "InternalError"},
			calls: []string{region, region, region, region, region, region},
			want:  []bool{false, true, false, true, false, false},
		},
		{
			name:        "a region's fault leaves other regions alone",
			faultRegion: other,
			fault:       Fault{Code: "InternalError"},
			calls:       []string{region, other, region},
			want:        []bool{false, true, false},
		},
		{
			name:  "an action's fault leaves other actions alone",
			fault: Fault{Action: "DescribeRegions", Code: "InternalError"},
			calls: []string{region, "regions", region},
			want:  []bool{false, true, false},
		},
		{
			name:  "a fault for every region and action hits them all",
			fault: Fault{Code: "InternalError"},
			calls: []string{region, "regions", other},
			want:  []bool{true, true, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil, other: nil}})
			s.InjectFault(tt.faultRegion, tt.fault)
			c := newClient(t, endpoint, clientOpts{})
			var got []bool
			for _, r := range tt.calls {
				var err error
				if r == "regions" {
					_, err = c.DescribeRegions(&ecs.DescribeRegionsRequest{})
				} else {
					_, err = describe(context.Background(), c, statusQuery{region: r})
				}
				got = append(got, err != nil)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("failed calls %v, want %v", got, tt.want)
			}
			var faulted int64
			for _, f := range tt.want {
				if f {
					faulted++
				}
			}
			if st := s.Stats(""); st.Faulted != faulted {
				t.Errorf("Faulted = %d, want %d", st.Faulted, faulted)
			}
		})
	}
}

func TestClearFaultsRestoresNormalService(t *testing.T) {
	const region = "cn-hangzhou"
	s, c := regionClient(t, region, nil)
	s.InjectFault("", Fault{Code: "InternalError"})
	s.InjectFault(region, Fault{Reset: true})
	_, err := describe(context.Background(), c, statusQuery{region: region})
	wantAPIError(t, err, "InternalError", 500) // the first injected fault wins
	s.ClearFaults()
	mustDescribe(t, c, statusQuery{region: region})
}
