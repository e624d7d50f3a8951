package aliyun

import (
	"testing"
)

func TestNewRejectsBadOptions(t *testing.T) {
	cred, _ := StaticCredential(testKey, testSecret, "")
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"no credential", Options{Regions: []string{"cn-hangzhou"}}},
		{"page size 51", Options{Regions: []string{"cn-hangzhou"}, Credential: cred, PageSize: 51}},
		{"page size -1", Options{Regions: []string{"cn-hangzhou"}, Credential: cred, PageSize: -1}},
		{"unknown network", Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Network: "intranet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.opts); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestEndpoints(t *testing.T) {
	cred, _ := StaticCredential(testKey, testSecret, "")
	for _, tc := range []struct {
		network, region, want string
	}{
		{"public", "cn-hangzhou", "ecs-cn-hangzhou.aliyuncs.com"},
		{"public", "eu-central-1", "ecs.eu-central-1.aliyuncs.com"},
		{"vpc", "cn-hangzhou", "ecs-vpc.cn-hangzhou.aliyuncs.com"},
		{"vpc", "eu-central-1", "ecs-vpc.eu-central-1.aliyuncs.com"},
	} {
		c, err := New(Options{Regions: []string{tc.region}, Credential: cred, Network: tc.network})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Endpoint(tc.region); got != tc.want {
			t.Errorf("%s %s: endpoint %q, want %q", tc.network, tc.region, got, tc.want)
		}
		c.Close()
	}
}
