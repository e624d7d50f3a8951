package aliyun

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// pageBody is a DescribeInstanceStatus response with n items, as the API
// sends it.
func pageBody(b testing.TB, n int) []byte {
	b.Helper()
	type item struct{ InstanceId, Status string }
	items := make([]item, n)
	for i := range items {
		items[i] = item{fmt.Sprintf("i-bp1%017d", i), "Running"}
	}
	body, err := json.Marshal(map[string]any{
		"RequestId": "6EF60BEC-0242-43AF-BB20-270359FB54A7", "TotalCount": 100000, "PageNumber": 7, "PageSize": n,
		"InstanceStatuses": map[string]any{"InstanceStatus": items},
	})
	if err != nil {
		b.Fatal(err)
	}
	return body
}

func BenchmarkDecodeStatusPage50(b *testing.B) {
	body := pageBody(b, 50)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodeStatusPage(bytes.NewReader(body))
		if err != nil || len(p.Items) != 50 {
			b.Fatal(p, err)
		}
	}
}

// BenchmarkSweep100k pages one 100,000-instance region through the real SDK
// and the simulator (same process, no latency, no rate limit). ns/op and
// B/op cover both sides of the loopback; per-instance figures are reported.
func BenchmarkSweep100k(b *testing.B) {
	const n = 100_000
	_, ep := startSim(b, simulator.Config{
		Regions: map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", n, 1)},
	})
	cred, _ := StaticCredential(testKey, testSecret, "")
	c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Endpoint: ep})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
		if err != nil || len(got) != n {
			b.Fatal(len(got), err)
		}
	}
}
