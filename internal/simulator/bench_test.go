package simulator

import (
	"net/url"
	"strconv"
	"testing"
)

// BenchmarkServePage measures the simulator's own cost for one signed
// DescribeInstanceStatus page of 50 out of a 100,000-instance region,
// signing included (the client's share).
func BenchmarkServePage(b *testing.B) {
	const region, n = "cn-hangzhou", 100_000
	s := New(Config{
		Credentials: testCredentials(),
		Regions:     map[string][]Instance{region: GenerateFleet(region, n, 1)},
	})
	defer s.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		q := url.Values{"RegionId": {region}, "PageSize": {"50"}, "PageNumber": {strconv.Itoa(i%(n/50) + 1)}}
		if i%2 == 1 {
			q.Set("ZoneId", region+"-b")
		}
		rec := serve(s, newV3Request(b, "127.0.0.1:1", rawV3{query: q}))
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkNew measures building a 100,000-instance region.
func BenchmarkNew(b *testing.B) {
	fleet := GenerateFleet("cn-hangzhou", 100_000, 1)
	b.ReportAllocs()
	for range b.N {
		New(Config{Regions: map[string][]Instance{"cn-hangzhou": fleet}})
	}
}
