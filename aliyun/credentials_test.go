package aliyun

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

func TestCredentialTypeNamesTheKindOfCredential(t *testing.T) {
	testenv.PinEnv(t)
	build := func(c *Credential, err error) *Credential {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name string
		cred *Credential
		want string
	}{
		{"a fixed key is access_key", build(StaticCredential(testKey, testSecret, "")), "access_key"},
		{"a fixed key with a token is sts", build(StaticCredential("STS.testkey", testSecret, "token")), "sts"},
		{"the default chain is default", build(DefaultCredential()), "default"},
		{"a profile is profile", build(SourcedCredential(CredentialSource{Profile: "p"})), "profile"},
		{"no credential is unknown", nil, "unknown"},
	} {
		if got := tc.cred.Type(); got != tc.want {
			t.Errorf("%s: Type() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCredentialFailureIsCodedCredentials(t *testing.T) {
	_, ep := startSim(t, simulator.Config{Regions: map[string][]simulator.Instance{"cn-hangzhou": {}}})
	testenv.PinEnv(t)
	c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: &Credential{vendor: failingCredential{}}, Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if ErrorCode(err) != CodeCredentials {
		t.Fatalf("got %v, want code credentials", err)
	}
}

func TestSTSTokenIsSent(t *testing.T) {
	fleet := simulator.GenerateFleet("cn-hangzhou", 3, 10)
	_, ep := startSim(t, simulator.Config{
		Regions:     map[string][]simulator.Instance{"cn-hangzhou": fleet},
		Credentials: map[string]simulator.Credential{"STS.testkey": {Secret: testSecret, SecurityToken: "test-sts-token"}},
	})
	testenv.PinEnv(t)
	cred, err := StaticCredential("STS.testkey", testSecret, "test-sts-token")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Regions: []string{"cn-hangzhou"}, Credential: cred, Endpoint: ep})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.InstanceStatuses(context.Background(), "cn-hangzhou", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantFleet(t, got, fleet)
}

func TestDefaultChainReadsEnvironmentKeys(t *testing.T) {
	testenv.PinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", testKey)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	cred, err := DefaultCredential()
	if err != nil {
		t.Fatal(err)
	}
	provider, err := ResolveCredential(cred)
	if err != nil {
		t.Fatal(err)
	}
	if provider == "" || provider == testKey || provider == testSecret {
		t.Errorf("provider name %q", provider)
	}
}

func TestNoCredentialNamesEveryOption(t *testing.T) {
	testenv.PinEnv(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
	cred, err := DefaultCredential()
	if err != nil {
		t.Fatal(err)
	}
	_, err = ResolveCredential(cred)
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("got %v, want ErrNoCredentials", err)
	}
}

// failingCredential is a credential chain that never resolves.
type failingCredential struct{}

var errNoCred = errors.New("no provider in the chain had a credential")

func (failingCredential) GetAccessKeyId() (*string, error)     { return nil, errNoCred }
func (failingCredential) GetAccessKeySecret() (*string, error) { return nil, errNoCred }
func (failingCredential) GetSecurityToken() (*string, error)   { return nil, errNoCred }
func (failingCredential) GetBearerToken() *string              { return nil }
func (failingCredential) GetType() *string                     { return nil }
func (failingCredential) GetCredential() (*credentials.CredentialModel, error) {
	return nil, errNoCred
}

func TestProfilesGiveEachAccountItsOwnKeys(t *testing.T) {
	testenv.PinEnv(t)
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
	testenv.PinEnv(t)
	cred, err := SourcedCredential(CredentialSource{RoleARN: "acs:ram::123456789012:role/ecs-reader", ExternalID: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got := cred.Type(); got != "ram_role_arn" {
		t.Errorf("type %q", got)
	}
}
