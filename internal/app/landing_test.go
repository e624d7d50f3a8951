package app

import (
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/statuspage"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestTheLandingPageEscapesWhatItShows(t *testing.T) {
	evil := `"><script>alert(1)</script>`
	accounts := map[string]*handler.Account{
		"a&b": {Regions: func() []string { return []string{evil} }},
	}
	page := statuspage.Landing(statuspage.Options{Name: options.Name, MetricsPath: "/metrics", Links: probeLinks(accounts)})
	_, body := get(t, page, "/")
	if strings.Contains(body, "<script>") || strings.Contains(body, `"><`) {
		t.Errorf("markup from a region reached the page raw:\n%s", body)
	}
	for _, want := range []string{
		`href="/probe?region=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;account=a%26b"`,
		`>Probe a&amp;b in &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s:\n%s", want, body)
		}
	}
}

func TestProfilesAreServedAndLinkedOnlyWithEnablePprof(t *testing.T) {
	testenv.PinEnv(t)
	for _, enabled := range []bool{false, true} {
		args := []string{"--demo", "--aliyun.region=us-west-1"}
		if enabled {
			args = append(args, "--web.enable-pprof")
		}
		a, _ := newApp(t, args...)
		_, landing := get(t, a, "/")
		if linked := strings.Contains(landing, `href="/debug/pprof/`); linked != enabled {
			t.Errorf("--web.enable-pprof %v: the landing page links the profiles: %v", enabled, linked)
		}
		want := map[bool]int{false: 404, true: 200}[enabled]
		for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/cmdline"} {
			if code, _ := get(t, a, path); code != want {
				t.Errorf("--web.enable-pprof %v: GET %s: %d, want %d", enabled, path, code, want)
			}
		}
	}
}

func TestTheStatusPageNamesAFailingRegionsErrorAndNeverTheSecret(t *testing.T) {
	testenv.PinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testKey)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	base := startSimulator(t, map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 7, 1)})
	a, _ := newApp(t, "--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=xx-nowhere-1")
	get(t, a, "/metrics")
	get(t, a, "/probe?region=cn-hangzhou")

	code, body := get(t, a, "/status")
	if code != 200 {
		t.Fatalf("GET /status: %d", code)
	}
	for _, want := range []string{
		`Account default <small>on <code>/metrics</code>`, `Account default <small>on <code>/probe</code>`,
		`<code class="code">InvalidRegionId.NotFound</code>`, `Running 7`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/status lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Demo mode") {
		t.Error("/status says demo mode without --demo")
	}

	// A wrong secret: the API's SignatureDoesNotMatch, and never the secret.
	const wrong = "wrong-secret-DO-NOT-SHOW-1c9f"
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", wrong)
	b, _ := newApp(t, "--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou")
	get(t, b, "/metrics")
	for _, path := range []string{"/", "/status"} {
		_, body := get(t, b, path)
		if !strings.Contains(body, "SignatureDoesNotMatch") || strings.Contains(body, wrong) || strings.Contains(body, testKey+"&") {
			t.Errorf("%s: want SignatureDoesNotMatch and no secret:\n%s", path, body)
		}
	}
}

func TestTheDemoSaysSoOnEveryPage(t *testing.T) {
	testenv.PinEnv(t)
	a, _ := newApp(t, "--demo", "--aliyun.region=us-west-1")
	for _, path := range []string{"/", "/status"} {
		if _, body := get(t, a, path); !strings.Contains(body, "this data is simulated by the built-in simulator; no cloud account is used") {
			t.Errorf("%s does not say it is the demo:\n%s", path, body)
		}
	}
}
