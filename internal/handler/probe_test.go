package handler_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
)

func newProber() *handler.Prober {
	regions := func() []string { return []string{"cn-hangzhou", "cn-shanghai"} }
	return handler.NewProber(map[string]*handler.Account{
		handler.DefaultAccount: {Source: smallFleet(), Regions: regions},
		"other":                {Source: smallFleet(), Regions: func() []string { return []string{"eu-central-1"} }},
	}, handler.Options{Timeout: 10e9})
}

func TestProberRefusesRequestsItCannotServe(t *testing.T) {
	p := newProber()
	defer p.Close()
	for _, tc := range []struct{ name, target, want string }{
		{"no region", "/probe", "the region parameter is missing"},
		{"unknown account", "/probe?region=cn-hangzhou&account=nobody", `unknown account "nobody"; configured accounts: default, other`},
		{"region of another account", "/probe?region=eu-central-1", `region "eu-central-1" is not configured for account "default"; it has: cn-hangzhou, cn-shanghai`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, p, tc.target)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
				t.Errorf("HTTP %d %q, want 400 with %q", resp.StatusCode, body, tc.want)
			}
		})
	}
}

func TestProberServesOnlyTheProbedRegionOfTheAccount(t *testing.T) {
	p := newProber()
	defer p.Close()
	for _, tc := range []struct {
		target       string
		want, absent []string
	}{
		{"/probe?region=cn-hangzhou", []string{`ecs_up{region="cn-hangzhou"} 1`, `instance_id="i-b",region="cn-hangzhou",status="Stopped"} 1`},
			[]string{`region="cn-shanghai"`, `region="eu-central-1"`}},
		{"/probe?region=cn-shanghai&account=default", []string{`ecs_up{region="cn-shanghai"} 0`, `ecs_scrape_errors_total{code="InvalidRegionId.NotFound",region="cn-shanghai"} 1`},
			[]string{`region="cn-hangzhou"`}},
		{"/probe?region=eu-central-1&account=other", []string{`ecs_up{region="eu-central-1"} 1`, `region="eu-central-1",status="Hibernated"} 1`},
			[]string{`region="cn-hangzhou"`}},
	} {
		resp, body := get(t, p, tc.target)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", tc.target, resp.StatusCode, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %s", tc.target, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(body, a) {
				t.Errorf("%s has a series with %s", tc.target, a)
			}
		}
	}
}

// An Account's Options are a template: each probed region gets an Exporter
// of its own with the Account's settings.
func TestProberUsesTheAccountsOptions(t *testing.T) {
	p := handler.NewProber(map[string]*handler.Account{handler.DefaultAccount: {
		Source: smallFleet(), Regions: func() []string { return []string{"cn-hangzhou"} },
		Options: collector.Options{OnlyCurrent: true, Regions: []string{"ignored"}},
	}}, handler.Options{Timeout: 10e9})
	defer p.Close()
	_, body := get(t, p, "/probe?region=cn-hangzhou")
	if n := strings.Count(body, "\necs_instance_status{"); n != 2 {
		t.Errorf("%d status series with OnlyCurrent, want 2:\n%s", n, body)
	}
	if strings.Contains(body, "ignored") {
		t.Error("the template's Regions were swept")
	}
}
