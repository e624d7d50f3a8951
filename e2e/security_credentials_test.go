package e2e

// Credentials from a mounted credentials file and from an STS token in the
// environment.

import (
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestCredentialsFromAMountedFileWork(t *testing.T) {
	_, base, fleets := secSimulator(t)
	credFile := secCredentialsFile(t, "access_key_secret = "+secFileSecret)
	exp := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_CREDENTIALS_FILE="+credFile),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1")
	mfs, _, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	for r, v := range testenv.Series(mfs, "ecs_up", "region") {
		if v != 1 {
			t.Errorf("ecs_up{region=%q} = %g, want 1", r, v)
		}
	}
	log := exp.Stderr.String()
	if !strings.Contains(log, "provider=default/profile") {
		t.Errorf("the log does not name the credentials-file provider:\n%s", log)
	}
	if strings.Contains(log, secFileSecret) {
		t.Error("the secret from the file appears in the log")
	}
}

func TestSTSTokenFromTheEnvironmentWorks(t *testing.T) {
	_, base, fleets := secSimulator(t)
	exp := startExporter(t, testenv.PinnedEnv(t, "ALIBABA_CLOUD_ACCESS_KEY_ID="+secKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+secSecret, "ALIBABA_CLOUD_SECURITY_TOKEN="+secToken),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1")
	mfs, _, _ := scrapeFleets(t, exp.URL+"/metrics", fleets)
	// The simulator refuses an STS key without its token
	// (InvalidSecurityToken.Malformed), so a complete scrape proves the
	// token was sent.
	if errs := testenv.Series(mfs, "ecs_scrape_errors_total", "region", "code"); len(errs) != 0 {
		t.Errorf("scrape errors: %v", errs)
	}
	if !strings.Contains(exp.Stderr.String(), "provider=default/env") {
		t.Errorf("the log does not name the environment provider:\n%s", exp.Stderr)
	}
}
