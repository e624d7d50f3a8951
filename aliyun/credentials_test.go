package aliyun

import "testing"

func TestCredentialTypeNamesTheKindOfCredential(t *testing.T) {
	pinEnv(t)
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
