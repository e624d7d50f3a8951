package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
	"github.com/go-kit/log"
)

func TestTheDefaultAccountExportsTheFlagsRegionsWithTheEnvironmentsKey(t *testing.T) {
	testenv.PinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testKey)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	base := startSimulator(t, map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 7, 1),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 3, 2),
	})
	a, logs := newApp(t, "--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1")

	code, body := get(t, a, "/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics: %d\n%s", code, body)
	}
	if up := gauges(t, body, "ecs_up", "region"); len(up) != 2 || up["cn-hangzhou"] != 1 || up["eu-central-1"] != 1 {
		t.Errorf("ecs_up = %v, want both regions up", up)
	}
	if !strings.Contains(logs.String(), "provider=default/env") {
		t.Errorf("the log does not name the credential's provider:\n%s", logs)
	}
	if strings.Contains(logs.String(), testSecret) {
		t.Error("the secret is in the log")
	}
	if got := a.accounts["default"].Regions(); !slices.Equal(got, []string{"cn-hangzhou", "eu-central-1"}) {
		t.Errorf("/probe's default account has regions %v", got)
	}
}

func TestWithoutACredentialStartUpStopsAndSaysHowToGiveOne(t *testing.T) {
	testenv.PinEnv(t)
	_, err := New(context.Background(), parse(t, "--aliyun.region=cn-hangzhou"), log.NewNopLogger())
	if err == nil {
		t.Fatal("New started without a credential")
	}
	for _, want := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_CREDENTIALS_FILE", "RAM role"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// accountsFile writes a credentials file with a profile per account (each
// holding testKey) and a --config.file naming them; endpoints gives each
// account's endpoint, "" for none.
func accountsFile(t *testing.T, endpoints map[string]string, regions string) string {
	t.Helper()
	dir := t.TempDir()
	var creds, cfg strings.Builder
	cfg.WriteString("accounts:\n")
	for name, endpoint := range endpoints {
		fmt.Fprintf(&creds, "[%s]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n\n", name, testKey, testSecret)
		fmt.Fprintf(&cfg, "  %s:\n    credentials:\n      profile: %s\n    regions: [%s]\n", name, name, regions)
		if endpoint != "" {
			fmt.Fprintf(&cfg, "    endpoint: %s\n", endpoint)
		}
	}
	credFile, configFile := filepath.Join(dir, "credentials"), filepath.Join(dir, "accounts.yml")
	for path, text := range map[string]string{credFile: creds.String(), configFile: cfg.String()} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", credFile)
	return configFile
}

func TestProbeAccountsComeFromTheConfigFileWithTheirOwnOrTheFlagsEndpoint(t *testing.T) {
	testenv.PinEnv(t)
	fleets := map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 5, 3)}
	own, flags := startSimulator(t, fleets), startSimulator(t, fleets)
	configFile := accountsFile(t, map[string]string{"shop": own, "bank": ""}, "cn-hangzhou")
	a, logs := newApp(t, "--config.file="+configFile, "--aliyun.endpoint="+flags)

	if _, ok := a.accounts["default"]; ok || a.def != nil {
		t.Error("a default account without --aliyun.region")
	}
	for _, name := range []string{"shop", "bank"} {
		code, body := get(t, a, "/probe?region=cn-hangzhou&account="+name)
		if code != 200 {
			t.Fatalf("probe %s: %d\n%s", name, code, body)
		}
		if up := gauges(t, body, "ecs_up", "region"); up["cn-hangzhou"] != 1 {
			t.Errorf("probe %s: ecs_up = %v", name, up)
		}
		if !strings.Contains(logs.String(), `msg="probe account" account=`+name+" regions=cn-hangzhou credentials=profile") {
			t.Errorf("no probe account line for %s:\n%s", name, logs)
		}
	}
	if _, body := get(t, a, "/metrics"); strings.Contains(body, "ecs_instance_status") {
		t.Error("/metrics carries instances without --aliyun.region")
	}
}

func TestAConfigAccountNamedDefaultIsRefusedBesideTheFlagsAccount(t *testing.T) {
	testenv.PinEnv(t)
	configFile := accountsFile(t, map[string]string{"default": ""}, "cn-hangzhou")
	_, err := New(context.Background(), parse(t, "--demo", "--config.file="+configFile), log.NewNopLogger())
	if err == nil || !strings.Contains(err.Error(), `account "default"`) || !strings.Contains(err.Error(), "rename it") {
		t.Fatalf("New: %v, want a refusal of the name", err)
	}
}

func TestConfigCheckReportsTheAccounts(t *testing.T) {
	testenv.PinEnv(t)
	creds := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(creds, []byte("[prod]\ntype = access_key\naccess_key_id = LTAItestkey\naccess_key_secret = testsecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", creds)
	var out strings.Builder
	if err := CheckConfig(parse(t, "--config.file=../config/testdata/good.yml", "--config.check"), &out); err != nil {
		t.Fatal(err)
	}
	if want := "../config/testdata/good.yml: OK, accounts: audit, chain, prod\n"; out.String() != want {
		t.Errorf("reported %q, want %q", out.String(), want)
	}
}

func TestConfigCheckNamesTheAccountWhoseProfileCannotResolve(t *testing.T) {
	testenv.PinEnv(t)
	err := CheckConfig(parse(t, "--config.file=../config/testdata/good.yml", "--config.check"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "accounts: prod: credentials: ") || !strings.Contains(err.Error(), `profile "prod"`) {
		t.Fatalf("CheckConfig: %v, want the prod account's missing credentials file", err)
	}
}

// lister answers DescribeRegions with regions, or err.
type lister struct {
	regions []string
	err     error
}

func (l lister) Regions(context.Context, string) ([]string, error) { return l.regions, l.err }

func TestRegionDiscoveryAssignsTheZonesOnce(t *testing.T) {
	regions, zones, err := discoverRegions(context.Background(), lister{regions: []string{"cn-hangzhou", "eu-central-1"}}, []string{"eu-central-1a"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(regions, []string{"cn-hangzhou", "eu-central-1"}) || len(zones) != 1 || !slices.Equal(zones["eu-central-1"], []string{"eu-central-1a"}) {
		t.Errorf("regions %v, zones %v", regions, zones)
	}
	for _, tc := range []struct {
		lister lister
		zones  []string
		want   string
	}{
		{lister{err: errors.New("boom")}, nil, "--aliyun.region=all: DescribeRegions failed: boom"},
		{lister{regions: []string{"cn-hangzhou"}}, []string{"eu-central-1a"}, "--aliyun.zone: "},
		{lister{regions: []string{"cn-hangzhou", "<img src=x>"}}, nil, `--aliyun.region=all: DescribeRegions returned "<img src=x>", which is not a region ID`},
		{lister{regions: []string{"cn-hangzhou", ""}}, nil, `--aliyun.region=all: DescribeRegions returned "", which is not a region ID`},
	} {
		if _, _, err := discoverRegions(context.Background(), tc.lister, tc.zones); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("discoverRegions: %v, want %q", err, tc.want)
		}
	}
}

func TestRegionAllExportsTheDiscoveredRegions(t *testing.T) {
	testenv.PinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testKey)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	base := startSimulator(t, map[string][]simulator.Instance{
		"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 4, 1), "ap-southeast-1": {}, "eu-central-1": {},
	})
	a, logs := newApp(t, "--aliyun.endpoint="+base, "--aliyun.region=all")
	if got, want := a.def.exp.Regions(), []string{"ap-southeast-1", "cn-hangzhou", "eu-central-1"}; !slices.Equal(got, want) {
		t.Errorf("regions %v, want %v", got, want)
	}
	if !strings.Contains(logs.String(), "discovered regions") {
		t.Errorf("no discovery in the log:\n%s", logs)
	}
}
