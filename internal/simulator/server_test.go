package simulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
)

func TestDescribeInstanceStatusPagesThroughTheWholeListing(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 137, 7)
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: fleet}})
	c := newClient(t, endpoint, clientOpts{})

	wantIDs := fleetIDs(fleet)
	sort.Strings(wantIDs)
	wantStatus := map[string]string{}
	for _, in := range fleet {
		wantStatus[in.ID] = in.Status
	}

	var got []string
	for page, wantLen := range map[int32]int{1: 50, 2: 50, 3: 37, 4: 0} {
		body := mustDescribe(t, c, statusQuery{region: region, page: page, size: 50})
		if *body.TotalCount != 137 || *body.PageNumber != page || *body.PageSize != 50 {
			t.Errorf("page %d: TotalCount=%d PageNumber=%d PageSize=%d, want 137, %d, 50",
				page, *body.TotalCount, *body.PageNumber, *body.PageSize, page)
		}
		ids := pageIDs(body)
		if len(ids) != wantLen {
			t.Errorf("page %d has %d instances, want %d", page, len(ids), wantLen)
		}
		if page <= 3 {
			if want := wantIDs[(page-1)*50 : (page-1)*50+int32(wantLen)]; !reflect.DeepEqual(ids, want) {
				t.Errorf("page %d = %v, want %v", page, ids, want)
			}
		}
		for _, st := range body.InstanceStatuses.InstanceStatus {
			if *st.Status != wantStatus[*st.InstanceId] {
				t.Errorf("%s: Status %s, want %s", *st.InstanceId, *st.Status, wantStatus[*st.InstanceId])
			}
		}
		got = append(got, ids...)
	}
	sort.Strings(got)
	if !reflect.DeepEqual(got, wantIDs) {
		t.Errorf("the pages together hold %d instances, want each of the %d exactly once", len(got), len(wantIDs))
	}
	if st := s.Stats(region); st.Calls != 4 || st.Errors != 0 {
		t.Errorf("Stats = %+v, want 4 calls, no errors", st)
	}
}

func TestDescribeInstanceStatusDefaultsToTheFirstPageOfTen(t *testing.T) {
	const region = "cn-shanghai"
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 25, 1)}})
	body := mustDescribe(t, newClient(t, endpoint, clientOpts{}), statusQuery{region: region})
	if *body.PageNumber != 1 || *body.PageSize != 10 || *body.TotalCount != 25 {
		t.Errorf("PageNumber=%d PageSize=%d TotalCount=%d, want 1, 10, 25", *body.PageNumber, *body.PageSize, *body.TotalCount)
	}
	if got, want := pageIDs(body), fleetIDs(s.Instances(region))[:10]; !reflect.DeepEqual(got, want) {
		t.Errorf("page = %v, want %v", got, want)
	}
}

func TestZoneIdFiltersThePagesAndTheTotal(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 137, 3) // zones -a, -b, -c round-robin: 46, 46, 45
	_, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: fleet},
		Zones:   map[string][]string{region: {"cn-hangzhou-k"}},
	})
	c := newClient(t, endpoint, clientOpts{})
	tests := []struct {
		zone  string
		total int
	}{
		{"cn-hangzhou-a", 46},
		{"cn-hangzhou-c", 45},
		{"cn-hangzhou-k", 0}, // a configured zone with no instances
	}
	for _, tt := range tests {
		t.Run("zone "+tt.zone+" holds its own instances only", func(t *testing.T) {
			var want []string
			for _, in := range fleet {
				if in.Zone == tt.zone {
					want = append(want, in.ID)
				}
			}
			var got []string
			for page := int32(1); ; page++ {
				body := mustDescribe(t, c, statusQuery{region: region, zone: tt.zone, page: page, size: 20})
				if int(*body.TotalCount) != tt.total {
					t.Fatalf("TotalCount = %d, want %d", *body.TotalCount, tt.total)
				}
				ids := pageIDs(body)
				if len(ids) == 0 {
					break
				}
				got = append(got, ids...)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestInstanceIdSelectsThoseInstances(t *testing.T) {
	const region = "cn-hangzhou"
	fleet := GenerateFleet(region, 30, 1)
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: fleet}})
	c := newClient(t, endpoint, clientOpts{})
	body := mustDescribe(t, c, statusQuery{region: region, ids: []string{fleet[7].ID, "i-nope", fleet[3].ID}})
	if got, want := pageIDs(body), []string{fleet[7].ID, fleet[3].ID}; !reflect.DeepEqual(got, want) || *body.TotalCount != 2 {
		t.Errorf("got %v (TotalCount %d), want %v (2)", got, *body.TotalCount, want)
	}

	var tooMany []string
	for i := range 101 {
		tooMany = append(tooMany, fleet[i%30].ID)
	}
	_, err := describe(context.Background(), c, statusQuery{region: region, ids: tooMany})
	wantAPIError(t, err, "InvalidParameter.TooManyInstanceIds", 403)
}

func TestDescribeInstanceStatusRejectsBadParameters(t *testing.T) {
	const region = "cn-hangzhou"
	tests := []struct {
		name       string
		q          statusQuery
		wantCode   string
		wantStatus int
	}{
		{"an unknown region is InvalidRegionId.NotFound", statusQuery{region: "xx-nowhere-1"}, "InvalidRegionId.NotFound", 404},
		{"an unknown zone is InvalidZoneId.NotFound", statusQuery{region: region, zone: "cn-hangzhou-z"}, "InvalidZoneId.NotFound", 404},
		{"another region's zone is InvalidZoneId.NotFound", statusQuery{region: region, zone: "cn-shanghai-a"}, "InvalidZoneId.NotFound", 404},
		{"PageSize 0 is InvalidParameter", statusQuery{region: region, size: 0, setSz: true}, "InvalidParameter", 400},
		{"PageSize 51 is InvalidParameter", statusQuery{region: region, size: 51}, "InvalidParameter", 400},
		{"PageNumber 0 is InvalidParameter", statusQuery{region: region, page: 0, setPage: true}, "InvalidParameter", 400},
		{"PageNumber -1 is InvalidParameter", statusQuery{region: region, page: -1}, "InvalidParameter", 400},
		{"a missing RegionId is MissingRegionId", statusQuery{}, "MissingRegionId", 400},
	}
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{
		region:        GenerateFleet(region, 5, 1),
		"cn-shanghai": GenerateFleet("cn-shanghai", 5, 1),
	}})
	c := newClient(t, endpoint, clientOpts{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := describe(context.Background(), c, tt.q)
			wantAPIError(t, err, tt.wantCode, tt.wantStatus)
		})
	}
	if st := s.Stats(""); st.Errors != int64(len(tests)) || st.Calls != int64(len(tests)) {
		t.Errorf("total Stats = %+v, want %d calls and errors", st, len(tests))
	}
}

func TestDescribeRegionsListsEveryRegionSorted(t *testing.T) {
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{
		"us-west-1":    nil,
		"cn-hangzhou":  GenerateFleet("cn-hangzhou", 3, 1),
		"eu-central-1": {},
	}})
	c := newClient(t, endpoint, clientOpts{})
	resp, err := c.DescribeRegionsWithContext(context.Background(), &ecs.DescribeRegionsRequest{}, &dara.RuntimeOptions{})
	if err != nil {
		t.Fatalf("DescribeRegions: %v", err)
	}
	var got []string
	for _, r := range resp.Body.Regions.Region {
		got = append(got, *r.RegionId)
		if want := "ecs." + *r.RegionId + ".aliyuncs.com"; *r.RegionEndpoint != want || *r.Status != "available" || *r.LocalName == "" {
			t.Errorf("%s: endpoint %q status %q local name %q", *r.RegionId, *r.RegionEndpoint, *r.Status, *r.LocalName)
		}
	}
	if want := []string{"cn-hangzhou", "eu-central-1", "us-west-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("regions = %v, want %v", got, want)
	}
}

func TestHandBuiltRequestsAreCheckedLikeTheRealAPI(t *testing.T) {
	const region = "cn-hangzhou"
	q := url.Values{"RegionId": {region}}
	now := time.Now()
	tests := []struct {
		name       string
		build      func(t *testing.T, endpoint string) *http.Request
		wantStatus int
		wantCode   string
	}{
		{
			name:       "a correctly signed V3 request succeeds",
			build:      func(t *testing.T, ep string) *http.Request { return newV3Request(t, ep, rawV3{query: q}) },
			wantStatus: 200,
		},
		{
			name: "a V3 request whose query was changed after signing is SignatureDoesNotMatch",
			build: func(t *testing.T, ep string) *http.Request {
				req := newV3Request(t, ep, rawV3{query: q})
				req.URL.RawQuery = url.Values{"RegionId": {"cn-shanghai"}}.Encode()
				return req
			},
			wantStatus: 400, wantCode: "SignatureDoesNotMatch",
		},
		{
			name: "a V3 request whose body does not match x-acs-content-sha256 is SignatureDoesNotMatch",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, body: []byte("x"), bodyHash: sha256Hex(nil)})
			},
			wantStatus: 400, wantCode: "SignatureDoesNotMatch",
		},
		{
			name: "a V3 request dated 20 minutes ago is InvalidTimeStamp.Expired",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, date: now.Add(-20 * time.Minute)})
			},
			wantStatus: 400, wantCode: "InvalidTimeStamp.Expired",
		},
		{
			name: "a V3 request dated 20 minutes ahead is InvalidTimeStamp.Expired",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, date: now.Add(20 * time.Minute)})
			},
			wantStatus: 400, wantCode: "InvalidTimeStamp.Expired",
		},
		{
			name: "a V3 request that does not sign x-acs-signature-nonce is IncompleteSignature",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, unsigned: []string{"x-acs-signature-nonce"}})
			},
			wantStatus: 400, wantCode: "IncompleteSignature",
		},
		{
			name: "a V3 request that does not sign host is IncompleteSignature",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{query: q, unsigned: []string{"host"}})
			},
			wantStatus: 400, wantCode: "IncompleteSignature",
		},
		{
			name: "a malformed Authorization header is IncompleteSignature",
			build: func(t *testing.T, ep string) *http.Request {
				req := newV3Request(t, ep, rawV3{query: q})
				req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+testKey)
				return req
			},
			wantStatus: 400, wantCode: "IncompleteSignature",
		},
		{
			name: "a request with no signature at all is MissingParameter",
			build: func(t *testing.T, ep string) *http.Request {
				req, _ := http.NewRequest(http.MethodPost, "http://"+ep+"/?Action=DescribeRegions&RegionId=cn-hangzhou", nil)
				return req
			},
			wantStatus: 400, wantCode: "MissingParameter",
		},
		{
			name: "an unknown action is InvalidAction.NotFound",
			build: func(t *testing.T, ep string) *http.Request {
				return newV3Request(t, ep, rawV3{action: "RunInstances", query: q})
			},
			wantStatus: 404, wantCode: "InvalidAction.NotFound",
		},
		{
			name: "a correctly signed V1 request succeeds",
			build: func(t *testing.T, ep string) *http.Request {
				return newV1Request(t, ep, q, testSecret, now, "v1-ok")
			},
			wantStatus: 200,
		},
		{
			name: "a V1 request with a stale Timestamp is InvalidTimeStamp.Expired",
			build: func(t *testing.T, ep string) *http.Request {
				return newV1Request(t, ep, q, testSecret, now.Add(-time.Hour), "v1-stale")
			},
			wantStatus: 400, wantCode: "InvalidTimeStamp.Expired",
		},
		{
			name: "a V1 request for an unknown action is InvalidAction.NotFound",
			build: func(t *testing.T, ep string) *http.Request {
				return newV1Request(t, ep, url.Values{"Action": {"DeleteInstance"}, "RegionId": {region}}, testSecret, now, "v1-action")
			},
			wantStatus: 404, wantCode: "InvalidAction.NotFound",
		},
	}
	_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 3, 1)}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := send(t, tt.build(t, endpoint))
			if res.err != nil {
				t.Fatalf("request failed: %v", res.err)
			}
			if res.status != tt.wantStatus || res.code() != tt.wantCode {
				t.Fatalf("got %d %q, want %d %q; body %s", res.status, res.code(), tt.wantStatus, tt.wantCode, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type = %q, want %q", ct, jsonContentType)
			}
			if tt.wantCode != "" && !strings.Contains(string(res.body), `"HostId":"`+endpoint+`"`) {
				t.Errorf("error body lacks HostId %s: %s", endpoint, res.body)
			}
		})
	}
}

func TestAReplayedNonceIsRejected(t *testing.T) {
	const region = "cn-hangzhou"
	q := url.Values{"RegionId": {region}}
	tests := []struct {
		name  string
		build func(t *testing.T, endpoint string) *http.Request
	}{
		{"V3", func(t *testing.T, ep string) *http.Request {
			return newV3Request(t, ep, rawV3{query: q, nonce: "fixed-v3-nonce", date: time.Now()})
		}},
		{"V1", func(t *testing.T, ep string) *http.Request {
			return newV1Request(t, ep, q, testSecret, time.Now(), "fixed-v1-nonce")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" replay of a good request is SignatureNonceUsed", func(t *testing.T) {
			_, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: nil}})
			req := tt.build(t, endpoint)
			if first := send(t, req); first.status != 200 {
				t.Fatalf("first send: %d %s %v", first.status, first.body, first.err)
			}
			again := send(t, req.Clone(context.Background()))
			if again.status != 400 || again.code() != "SignatureNonceUsed" {
				t.Fatalf("replay: got %d %s, want 400 SignatureNonceUsed", again.status, again.body)
			}
		})
	}
}

func TestTheSimulatorClockDecidesWhatIsStale(t *testing.T) {
	const region = "cn-hangzhou"
	_, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: nil},
		Now:     func() time.Time { return time.Now().Add(time.Hour) },
	})
	_, err := describe(context.Background(), newClient(t, endpoint, clientOpts{}), statusQuery{region: region})
	wantAPIError(t, err, "InvalidTimeStamp.Expired", 400)
}

func TestOverTheRateLimitACallIsThrottled(t *testing.T) {
	const region = "cn-hangzhou"
	fixed := time.Now() // a still clock: the bucket never refills during the test
	s, endpoint := startServer(t, Config{
		Regions:   map[string][]Instance{region: GenerateFleet(region, 3, 1), "cn-shanghai": nil},
		RateLimit: map[string]float64{region: 1},
		Now:       func() time.Time { return fixed },
	})
	c := newClient(t, endpoint, clientOpts{})
	mustDescribe(t, c, statusQuery{region: region})
	_, err := describe(context.Background(), c, statusQuery{region: region})
	wantAPIError(t, err, "Throttling.User", 400)
	if st := s.Stats(region); st.Calls != 2 || st.Throttled != 1 || st.Errors != 1 {
		t.Errorf("Stats = %+v, want 2 calls, 1 throttled, 1 error", st)
	}
	// Another region has no limit ("" default absent): it is not throttled.
	for range 3 {
		mustDescribe(t, c, statusQuery{region: "cn-shanghai"})
	}
	// A call that fails authentication does not take a token, nor is it throttled.
	bad := newClient(t, endpoint, clientOpts{key: testKey, secret: "wrong"})
	_, err = describe(context.Background(), bad, statusQuery{region: region})
	wantAPIError(t, err, "SignatureDoesNotMatch", 400)
}

func TestTheDefaultRateLimitAppliesToEveryRegion(t *testing.T) {
	fixed := time.Now()
	s, endpoint := startServer(t, Config{
		Regions:   map[string][]Instance{"cn-hangzhou": nil, "cn-shanghai": nil},
		RateLimit: map[string]float64{"": 2.5, "cn-shanghai": 0}, // burst 3; cn-shanghai unlimited
		Now:       func() time.Time { return fixed },
	})
	c := newClient(t, endpoint, clientOpts{})
	for range 5 {
		_, _ = describe(context.Background(), c, statusQuery{region: "cn-hangzhou"})
		_, _ = describe(context.Background(), c, statusQuery{region: "cn-shanghai"})
	}
	if got := s.Stats("cn-hangzhou").Throttled; got != 2 {
		t.Errorf("cn-hangzhou throttled %d of 5 calls, want 2 (burst ceil(2.5) = 3)", got)
	}
	if got := s.Stats("cn-shanghai").Throttled; got != 0 {
		t.Errorf("cn-shanghai throttled %d calls, want 0", got)
	}
	if got := s.Stats("").Throttled; got != 2 {
		t.Errorf("total throttled %d, want 2", got)
	}
}

func TestLatencyEndsWhenTheClientGivesUp(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: nil},
		Latency: map[string]time.Duration{region: time.Hour},
	})
	c := newClient(t, endpoint, clientOpts{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := describe(ctx, c, statusQuery{region: region}); err == nil {
		t.Fatal("a call with an hour of latency returned before its 50ms deadline")
	}
	// Close waits for every handler: it returns only because the sleeping
	// handler noticed the client had gone.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCloseCutsShortASleepingHandler(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: nil},
		Latency: map[string]time.Duration{"": time.Hour},
	})
	done := make(chan error, 1)
	c := newClient(t, endpoint, clientOpts{})
	go func() {
		_, err := describe(context.Background(), c, statusQuery{region: region})
		done <- err
	}()
	waitFor(t, func() bool { return s.Stats(region).Calls == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the call succeeded although the server closed under it")
	}
}

func TestOnRequestSeesEveryPageAndMaxInFlightCountsConcurrentCalls(t *testing.T) {
	const region, n = "cn-hangzhou", 4
	var (
		mu      sync.Mutex
		pages   []int
		arrived = make(chan struct{}, n)
		release = make(chan struct{})
	)
	s, endpoint := startServer(t, Config{
		Regions: map[string][]Instance{region: GenerateFleet(region, 200, 1)},
		OnRequest: func(r string, page int) {
			mu.Lock()
			pages = append(pages, page)
			mu.Unlock()
			arrived <- struct{}{}
			<-release // hold every call in flight until all have arrived
		},
	})
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for p := range n {
		c := newClient(t, endpoint, clientOpts{ownHTTP: true}) // one per goroutine: see ownHTTP
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := describe(context.Background(), c, statusQuery{region: region, page: int32(p + 1), size: 50})
			errs <- err
		}()
	}
	for range n {
		<-arrived
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	sort.Ints(pages)
	if want := []int{1, 2, 3, 4}; !reflect.DeepEqual(pages, want) {
		t.Errorf("OnRequest saw pages %v, want %v", pages, want)
	}
	if got := s.Stats(region).MaxInFlight; got != n {
		t.Errorf("MaxInFlight = %d, want %d", got, n)
	}
	s.ResetStats()
	if st := s.Stats(region); st != (Stats{}) {
		t.Errorf("after ResetStats, Stats = %+v, want zero", st)
	}
}

func TestConcurrentCallsAndFleetChangesAreRaceFree(t *testing.T) {
	const region = "cn-hangzhou"
	s, endpoint := startServer(t, Config{Regions: map[string][]Instance{region: GenerateFleet(region, 300, 1)}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	churned := make(chan struct{})
	go func() {
		defer close(churned)
		s.Churn(ctx, time.Millisecond, 1)
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		// One SDK client per goroutine, each with its own HTTP client: the
		// SDK's clients are not safe for concurrent use (see ownHTTP).
		c := newClient(t, endpoint, clientOpts{ownHTTP: true})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				id := "i-extra-" + string(rune('a'+w)) + string(rune('a'+i))
				s.Insert(region, Instance{ID: id, Zone: "cn-hangzhou-a", Status: StatusPending}, i%2 == 0)
				if _, err := describe(context.Background(), c, statusQuery{region: region, zone: "cn-hangzhou-a", page: int32(i%4 + 1), size: 50}); err != nil {
					t.Error(err)
				}
				s.SetStatus(region, id, StatusRunning)
				s.Remove(region, id)
			}
		}()
	}
	wg.Wait()
	cancel()
	<-churned
	if got := len(s.Instances(region)); got != 300 {
		t.Errorf("fleet has %d instances after adding and removing the extras, want 300", got)
	}
	if st := s.Stats(""); st.Calls != 40 || st.Errors != 0 {
		t.Errorf("Stats = %+v, want 40 calls, no errors", st)
	}
}

func TestServeHTTPWorksWithoutStart(t *testing.T) {
	const region = "cn-hangzhou"
	s := New(Config{Credentials: testCredentials(), Regions: map[string][]Instance{region: GenerateFleet(region, 3, 1)}})
	req := newV3Request(t, "example.test", rawV3{query: url.Values{"RegionId": {region}}})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"TotalCount":3`) {
		t.Errorf("got %d %s", rec.Code, rec.Body.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, newV3Request(t, "example.test", rawV3{query: url.Values{"RegionId": {region}}}))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("after Close: status %d, want 503", rec.Code)
	}
	if _, err := s.Start("127.0.0.1:0"); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func TestCloseAnswers503ToAHandlerItCutsShort(t *testing.T) {
	const region = "cn-hangzhou"
	s := New(Config{
		Credentials: testCredentials(),
		Regions:     map[string][]Instance{region: nil},
		Latency:     map[string]time.Duration{region: time.Hour},
	})
	rec := httptest.NewRecorder()
	req := newV3Request(t, "example.test", rawV3{query: url.Values{"RegionId": {region}}})
	served := make(chan struct{})
	go func() {
		defer close(served)
		s.ServeHTTP(rec, req)
	}()
	waitFor(t, func() bool { return s.Stats(region).Calls == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	<-served
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "ServiceUnavailable") {
		t.Errorf("got %d %s, want 503 ServiceUnavailable", rec.Code, rec.Body.String())
	}
}

// waitFor polls cond until it holds, failing the test after five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
