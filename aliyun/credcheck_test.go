package aliyun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

const knownSecret = "s3cretValueNeverPrinted"

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckSourceReadsTheCredentialsFileProfile(t *testing.T) {
	file := writeFile(t, "credentials", "[good]\ntype = access_key\naccess_key_id = LTAItestkey\naccess_key_secret = "+knownSecret+"\n"+
		"[notype]\naccess_key_secret = "+knownSecret+"\n"+
		"[nosecret]\ntype = access_key\naccess_key_id = LTAItestkey\n"+
		"[role]\ntype = ecs_ram_role\nrole_name = r\n")
	for _, tc := range []struct {
		name, file, profile string
		want                []string // substrings of the error; nil: no error
	}{
		{"good profile", file, "good", nil},
		{"another type", file, "role", nil},
		{"missing file", filepath.Join(t.TempDir(), "nope"), "good", []string{`profile "good"`, "nope", "no such file"}},
		{"missing section", file, "absent", []string{`profile "absent"`, file, "no section [absent]"}},
		{"section without type", file, "notype", []string{`profile "notype"`, file, "has no type"}},
		{"access_key without secret", file, "nosecret", []string{`profile "nosecret"`, "has no access_key_secret"}},
		{"not ini", writeFile(t, "bad", "[x\nkey "+knownSecret+"\n"), "x", []string{"not a valid ini file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.PinEnv(t)
			t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", tc.file)
			err := CheckSource(CredentialSource{Profile: tc.profile})
			checkErr(t, err, tc.want)
		})
	}
}

func TestCheckSourceFindsTheCredentialsFileInHome(t *testing.T) {
	testenv.PinEnv(t)
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", "")
	err := CheckSource(CredentialSource{Profile: "prod"})
	checkErr(t, err, []string{filepath.Join(home, ".alibabacloud", "credentials")})
}

func TestCheckSourceFindsTheCLIProfile(t *testing.T) {
	file := writeFile(t, "config.json", `{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"LTAItestkey","access_key_secret":"`+knownSecret+`"}]}`)
	for _, tc := range []struct {
		name, file, profile, disabled string
		want                          []string
	}{
		{"present", file, "a", "false", nil},
		{"missing", file, "b", "false", []string{`cli_profile "b"`, file, `no profile "b"`}},
		{"no file", filepath.Join(t.TempDir(), "nope.json"), "a", "false", []string{"nope.json", "no such file"}},
		{"disabled", file, "a", "TRUE", []string{`cli_profile "a"`, "ALIBABA_CLOUD_CLI_PROFILE_DISABLED"}},
		{"not json", writeFile(t, "bad.json", `{"x":"`+knownSecret), "a", "false", []string{"not valid JSON"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testenv.PinEnv(t)
			t.Setenv("ALIBABA_CLOUD_CONFIG_FILE", tc.file)
			t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", tc.disabled)
			checkErr(t, CheckSource(CredentialSource{CLIProfile: tc.profile}), tc.want)
		})
	}
}

func TestCheckSourceLeavesRolesAndTheChainToRunTime(t *testing.T) {
	testenv.PinEnv(t)
	for _, s := range []CredentialSource{{}, {RoleARN: "acs:ram::123456789012:role/r"}} {
		if err := CheckSource(s); err != nil {
			t.Errorf("CheckSource(%+v) = %v, want nil (nothing to read without the network)", s, err)
		}
	}
}

// checkErr wants err to hold every substring of want (nil: no error), and
// never the secret written to the files.
func checkErr(t *testing.T, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("error %v, want none", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one with %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), knownSecret) || strings.Contains(err.Error(), "LTAItestkey") {
		t.Errorf("error %q quotes the file's contents", err)
	}
}
