package app

import (
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/handler"
	"github.com/prometheus/exporter-toolkit/web"
)

func TestTheLandingPageEscapesWhatItShows(t *testing.T) {
	evil := `"><script>alert(1)</script>`
	accounts := map[string]*handler.Account{
		"a&b": {Regions: func() []string { return []string{evil} }},
	}
	page, err := web.NewLandingPage(landingConfig("/metrics", nil, accounts))
	if err != nil {
		t.Fatal(err)
	}
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
