package main

import (
	"strings"
	"testing"
)

func TestBadFlagsFailWithAMessageNamingTheFlagAndWhatItAccepts(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	region := "--aliyun.region=cn-hangzhou"
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"--aliyun.region", "--demo"}},
		{[]string{region, "--aliyun.page-size=0"}, []string{"--aliyun.page-size", "1 to 50"}},
		{[]string{region, "--aliyun.page-size=51"}, []string{"--aliyun.page-size", "1 to 50"}},
		{[]string{region, "--aliyun.network=intranet"}, []string{"--aliyun.network", "public, vpc"}},
		{[]string{region, "--aliyun.rate-limit=-1"}, []string{"--aliyun.rate-limit", "0 or more"}},
		{[]string{region, "--aliyun.rate-limit=fast"}, []string{"--aliyun.rate-limit", "0 or more"}},
		{[]string{region, "--aliyun.max-inflight=0"}, []string{"--aliyun.max-inflight"}},
		{[]string{region, "--aliyun.max-retries=-1"}, []string{"--aliyun.max-retries"}},
		{[]string{region, "--collector.timeout=0s"}, []string{"--collector.timeout", "above 0"}},
		{[]string{region, "--collector.timeout-offset=soon"}, []string{"--collector.timeout-offset", "duration"}},
		{[]string{region, "--collector.cache-ttl=-5s"}, []string{"--collector.cache-ttl", "0 or more"}},
		{[]string{region, "--log.level=loud"}, []string{"--log.level", "debug, info, warn, error"}},
		{[]string{region, "--log.format=xml"}, []string{"--log.format", "logfmt, json"}},
		{[]string{region, "--aliyun.endpoint=127.0.0.1:8080"}, []string{"--aliyun.endpoint", "http://"}},
		{[]string{region, "--aliyun.endpoint=ftp://127.0.0.1"}, []string{"--aliyun.endpoint", "http://"}},
		{[]string{region, "--aliyun.endpoint=http://127.0.0.1:8080/api"}, []string{"--aliyun.endpoint"}},
		{[]string{region, "--aliyun.zone=eu-central-1a"}, []string{"--aliyun.zone", "eu-central-1a", "cn-hangzhou"}},
		{[]string{region, "--web.telemetry-path=metrics"}, []string{"--web.telemetry-path"}},
		{[]string{region}, []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_CREDENTIALS_FILE", "RAM role"}},
		{[]string{"--aliyun.region=all", region}, []string{"--aliyun.region=all", "alone"}},
		{[]string{"--aliyun.region=all", "--demo"}, []string{"--aliyun.region=all", "--demo"}},
		{[]string{region, "--collector.info.tags=cost-center,cost_center"}, []string{"--collector.info.tags", "tag_<key>"}},
		{[]string{region, "--collector.info.refresh=0s"}, []string{"--collector.info.refresh"}},
		{[]string{"--config.check"}, []string{"--config.check", "--config.file"}},
		{[]string{"--config.file=config/testdata/bad-unknown-key.yml"}, []string{"--config.file", "field region not found"}},
		{[]string{"--config.file=config/testdata/does-not-exist.yml", "--config.check"}, []string{"--config.file", "no such file"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := run(tc.args)
			if err == nil {
				t.Fatal("run accepted it")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestConfigCheckAcceptsAGoodFileAndExits(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	if err := run([]string{"--config.file=config/testdata/good.yml", "--config.check"}); err != nil {
		t.Fatal(err)
	}
}

func TestParseEndpointKeepsSchemeAndHost(t *testing.T) {
	for _, s := range []string{"http://127.0.0.1:8080", "https://ecs-vpc.cn-hangzhou.aliyuncs.com/"} {
		u, err := parseEndpoint(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			t.Errorf("%s: parsed as %+v", s, u)
		}
	}
}
