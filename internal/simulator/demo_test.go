package simulator

import (
	"reflect"
	"sort"
	"testing"
)

func TestTheDemoAccountServesItsFleet(t *testing.T) {
	cfg := Demo()
	var names []string
	total := 0
	for name, list := range cfg.Regions {
		names = append(names, name)
		total += len(list)
	}
	sort.Strings(names)
	if want := []string{"cn-hangzhou", "cn-shanghai", "eu-central-1", "us-west-1"}; !reflect.DeepEqual(names, want) {
		t.Errorf("demo regions %v, want %v", names, want)
	}
	if total < 200 || total > 500 {
		t.Errorf("demo fleet has %d instances, want a few hundred", total)
	}
	cfg.Latency = nil // keep the test quick
	_, endpoint := startServer(t, cfg)
	c := newClient(t, endpoint, clientOpts{key: DemoAccessKeyID, secret: DemoAccessKeySecret})
	body := mustDescribe(t, c, statusQuery{region: "cn-hangzhou", size: 50})
	if int(*body.TotalCount) != len(cfg.Regions["cn-hangzhou"]) {
		t.Errorf("TotalCount %d, want %d", *body.TotalCount, len(cfg.Regions["cn-hangzhou"]))
	}
}
