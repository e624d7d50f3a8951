package testenv

import (
	"os"
	"testing"
)

// cleared are the variables that could send the vendor credential chain or
// the HTTP stack off this machine; PinEnv and PinnedEnv leave them empty.
var cleared = []string{
	"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy",
	"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
	"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
	"ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_CREDENTIALS_FILE",
}

// PinEnv keeps the vendor credential chain and the HTTP stack of this
// process on this machine until the test ends: no metadata server, no CLI
// profile, an empty home, no key in the environment, no proxies.
func PinEnv(tb testing.TB) {
	tb.Helper()
	tb.Setenv("HOME", tb.TempDir())
	tb.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	tb.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	for _, k := range cleared {
		tb.Setenv(k, "")
	}
}

// PinnedEnv is the environment of a child process that PinEnv would pin: an
// empty home, PATH, the metadata server and CLI profile turned off, and
// nothing else, so no proxy or key is inherited. extra (KEY=value) is added
// on top.
func PinnedEnv(tb testing.TB, extra ...string) []string {
	tb.Helper()
	env := []string{
		"HOME=" + tb.TempDir(),
		"PATH=" + os.Getenv("PATH"),
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
	}
	return append(env, extra...)
}
