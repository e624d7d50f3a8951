package aliyun

import (
	"context"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

func TestInstanceInfosPagesWithNextToken(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 250, 21)
	// Names and tags a label value must carry through unchanged.
	fleet[0].Name = `db "primary" \ 主库`
	fleet[0].Tags = map[string]string{"team": "pay\nments", "env": "prod", "cost-center": "42"}
	sim, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, rec := newTestClient(t, ep, []string{"cn-hangzhou"})
	got, err := c.InstanceInfos(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(fleet) {
		t.Fatalf("got %d instances, want %d", len(got), len(fleet))
	}
	want := map[string]simulator.Instance{}
	for _, in := range sim.Instances("cn-hangzhou") {
		want[in.ID] = in
	}
	for _, g := range got {
		w := want[g.ID]
		if g.Name != w.Name || g.Type != w.Type || g.Zone != w.Zone || !maps.Equal(g.Tags, w.Tags) {
			t.Errorf("%s: got %+v, want %+v", g.ID, g, w)
		}
	}
	if n := rec.count("cn-hangzhou", "OK"); n != 3 {
		t.Errorf("%d DescribeInstances calls for 250 instances, want 3 pages of 100", n)
	}
}

func TestInstanceInfosRestrictedToZones(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 30, 22)
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": fleet}})
	c, _ := newTestClient(t, ep, []string{"cn-hangzhou"})
	got, err := c.InstanceInfos(context.Background(), "cn-hangzhou", []string{"cn-hangzhou-a"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 {
		t.Fatalf("got %d instances in cn-hangzhou-a, want 10", len(got))
	}
	for _, g := range got {
		if g.Zone != "cn-hangzhou-a" {
			t.Errorf("%s is in %s", g.ID, g.Zone)
		}
	}
}

func TestRegionsListsTheAccountsRegions(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{
		"cn-hangzhou": {}, "eu-central-1": {}, "us-west-1": {},
	}})
	c, _ := newTestClient(t, ep, nil)
	got, err := c.Regions(context.Background(), "cn-hangzhou")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"cn-hangzhou", "eu-central-1", "us-west-1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestProfilesGiveEachAccountItsOwnKeys(t *testing.T) {
	pinEnv(t)
	dir := t.TempDir()
	file := dir + "/credentials"
	ini := "[acct-a]\ntype = access_key\naccess_key_id = LTAIkeyA\naccess_key_secret = secretA\n\n" +
		"[acct-b]\ntype = access_key\naccess_key_id = LTAIkeyB\naccess_key_secret = secretB\n"
	if err := os.WriteFile(file, []byte(ini), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", file)
	_, ep := startSim(t, simulator.Config{
		Credentials: map[string]simulator.Credential{"LTAIkeyA": {Secret: "secretA"}},
		Regions:     map[string][]simulator.Instance{"cn-hangzhou": simulator.GenerateFleet("cn-hangzhou", 3, 1)},
	})
	for profile, wantCode := range map[string]string{"acct-a": "", "acct-b": "InvalidAccessKeyId.NotFound"} {
		cred, err := SourcedCredential(CredentialSource{Profile: profile})
		if err != nil {
			t.Fatal(err)
		}
		c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Endpoint: ep})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
		c.Close()
		if got := map[bool]string{true: "", false: ErrorCode(err)}[err == nil]; got != wantCode {
			t.Errorf("profile %s: code %q, want %q (err %v)", profile, got, wantCode, err)
		}
	}
}

func TestRoleARNSourceBuildsWithoutContactingAnything(t *testing.T) {
	pinEnv(t)
	cred, err := SourcedCredential(CredentialSource{RoleARN: "acs:ram::123456789012:role/ecs-reader", ExternalID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cred.Type(); got != "ram_role_arn" {
		t.Errorf("type %q", got)
	}
}
