package handler_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

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

// /probe follows the rule for shared sweeps: a short probe that joins a
// long probe's sweep of the same target counts its own timeout and reports
// how long it waited.
func TestShortProbeJoiningALongProbeCountsItsOwnTimeout(t *testing.T) {
	src := &stuckSource{}
	p := handler.NewProber(map[string]*handler.Account{handler.DefaultAccount: {
		Source: src, Regions: func() []string { return []string{"cn-hangzhou"} },
	}}, handler.Options{Timeout: time.Minute})
	long := make(chan string, 1)
	go func() {
		_, body := get(t, p, "/probe?region=cn-hangzhou")
		long <- body
	}()
	for deadline := time.Now().Add(10 * time.Second); src.calls.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the long probe never started its sweep")
		}
	}

	_, body := getWithin(t, p, "/probe?region=cn-hangzhou", "0.5")
	for _, want := range []string{`ecs_up{region="cn-hangzhou"} 0`, `ecs_scrape_errors_total{code="timeout",region="cn-hangzhou"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("short probe lacks %s", want)
		}
	}
	if d := sample(body, `ecs_scrape_duration_seconds{region="cn-hangzhou"}`); !(d > 0) {
		t.Errorf("short probe reports a duration of %g, not the time it waited", d)
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("%d calls, want the 1 both probes share", n)
	}
	p.Close()
	<-long
}

func TestProberListsTheTargetsItHasProbed(t *testing.T) {
	p := newProber()
	defer p.Close()
	if got := p.Targets(); len(got) != 0 {
		t.Fatalf("before any probe: %+v", got)
	}
	for _, target := range []string{"/probe?region=eu-central-1&account=other", "/probe?region=cn-shanghai", "/probe?region=cn-hangzhou", "/probe?region=cn-hangzhou"} {
		get(t, p, target)
	}
	var got []string
	for _, tg := range p.Targets() {
		if s := tg.Exporter.Status(); len(s) != 1 || s[0].Region != tg.Region || s[0].Sweep.Last() == nil {
			t.Errorf("%s/%s: status %+v, want its one region swept", tg.Account, tg.Region, s)
		}
		got = append(got, tg.Account+"/"+tg.Region)
	}
	if want := "default/cn-hangzhou default/cn-shanghai other/eu-central-1"; strings.Join(got, " ") != want {
		t.Errorf("targets %v, want %s", got, want)
	}
}
