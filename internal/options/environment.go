package options

import (
	"fmt"
	"strings"
	"unicode"
)

// checkDebug refuses DEBUG values that switch on the SDK's request dump:
// the SDK reads DEBUG when it loads and then prints every request header,
// security tokens included, to stdout.
func checkDebug(getenv func(string) string) error {
	if d := getenv("DEBUG"); strings.Contains(d, "dara") || strings.Contains(d, "tea") {
		return fmt.Errorf("DEBUG names the Alibaba Cloud SDK (dara/tea), which would print every request header, security tokens included; unset DEBUG and use --log.level=debug")
	}
	return nil
}

// The environment variables of the default credential chain's first link.
const (
	envKeyID  = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	envSecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	envToken  = "ALIBABA_CLOUD_SECURITY_TOKEN"
)

// checkEnvCredential names the mistakes in an environment credential that
// the chain would otherwise turn into something else: a key ID with a
// trailing newline fails as a network error and is retried, a secret with
// one as SignatureDoesNotMatch, and half a key pair as "no credential
// found". It quotes no value. The demo alone uses no credential, so it is
// not checked then.
func (o *Options) checkEnvCredential(getenv func(string) string) error {
	if o.Demo && o.ConfigFile == "" {
		return nil
	}
	for _, name := range []string{envKeyID, envSecret, envToken} {
		if err := checkEnvValue(name, getenv(name)); err != nil {
			return err
		}
	}
	if id, secret := getenv(envKeyID), getenv(envSecret); (id == "") != (secret == "") {
		set, unset := envKeyID, envSecret
		if id == "" {
			set, unset = envSecret, envKeyID
		}
		return fmt.Errorf("%s is set but %s is not: set both for an AccessKey credential, or neither to use another credential source", set, unset)
	}
	return nil
}

func checkEnvValue(name, v string) error {
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%s has leading or trailing whitespace (a newline from a file or echo, perhaps), which the API would refuse; set it to the value alone, e.g. with printf '%%s' or tr -d '\\n'", name)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return fmt.Errorf("%s holds a control character, which the API would refuse; set it to the value alone", name)
	}
	return nil
}
