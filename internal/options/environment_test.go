package options

import (
	"strings"
	"testing"
)

// leakSecret must never appear in an error.
const leakSecret = "SECRET-env-check-must-not-leak"

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestCredentialMistakesInTheEnvironmentAreNamedAtStartUp(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"a key ID with a trailing newline", map[string]string{envKeyID: "LTAItestkey\n", envSecret: leakSecret}, []string{envKeyID, "whitespace"}},
		{"a secret with a trailing newline", map[string]string{envKeyID: "LTAItestkey", envSecret: leakSecret + "\n"}, []string{envSecret, "whitespace"}},
		{"a secret with a leading space", map[string]string{envKeyID: "LTAItestkey", envSecret: " " + leakSecret}, []string{envSecret, "whitespace"}},
		{"a token with a trailing carriage return", map[string]string{envKeyID: "STS.key", envSecret: leakSecret, envToken: "tok\r"}, []string{envToken, "whitespace"}},
		{"a secret with a control character inside", map[string]string{envKeyID: "LTAItestkey", envSecret: "SECRET\x1b-env-check-must-not-leak"}, []string{envSecret, "control character"}},
		{"a key ID without a secret", map[string]string{envKeyID: "LTAItestkey"}, []string{envKeyID, envSecret, "set both"}},
		{"a secret without a key ID", map[string]string{envSecret: leakSecret}, []string{envKeyID, envSecret, "set both"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, args := range [][]string{
				{"--aliyun.region=cn-hangzhou"},
				{"--demo", "--config.file=../config/testdata/good.yml"},
			} {
				_, err := Parse(args, env(tc.env))
				if err == nil {
					t.Fatalf("%v: Parse accepted it", args)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%v: error %q does not mention %q", args, err, w)
					}
				}
				if strings.Contains(err.Error(), "env-check-must-not-leak") || strings.Contains(err.Error(), "LTAItestkey") {
					t.Errorf("the error quotes a value: %q", err)
				}
			}
		})
	}
}

func TestGoodOrUnusedEnvironmentCredentialsPass(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"a key pair", []string{"--aliyun.region=cn-hangzhou"}, map[string]string{envKeyID: "LTAItestkey", envSecret: leakSecret}},
		{"an STS key", []string{"--aliyun.region=cn-hangzhou"}, map[string]string{envKeyID: "STS.key", envSecret: leakSecret, envToken: "token"}},
		{"none", []string{"--aliyun.region=cn-hangzhou"}, nil},
		{"the demo alone does not use them", []string{"--demo"}, map[string]string{envKeyID: "LTAItestkey\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.args, env(tc.env)); err != nil {
				t.Error(err)
			}
		})
	}
}
