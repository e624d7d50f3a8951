package aliyun

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"gopkg.in/ini.v1"
)

// CheckSource checks, as far as it can without the network, that the
// credential a CredentialSource names can resolve. For Profile it finds
// the credentials file the way credentials-go does
// (ALIBABA_CLOUD_CREDENTIALS_FILE, else ~/.alibabacloud/credentials) and
// checks that the section exists and has a type (and, for access_key, both
// keys). For CLIProfile it checks that the aliyun CLI is not disabled by
// ALIBABA_CLOUD_CLI_PROFILE_DISABLED and that its config
// (ALIBABA_CLOUD_CONFIG_FILE, else ~/.aliyun/config.json) holds the
// profile. RoleARN is not assumed: that is an STS call. The default chain
// is not checked. It contacts nothing, and its errors name the file, the
// profile and the missing key, never a value or a line of the file.
func CheckSource(s CredentialSource) error {
	switch {
	case s.Profile != "":
		return checkProfile(s.Profile)
	case s.CLIProfile != "":
		return checkCLIProfile(s.CLIProfile)
	}
	return nil
}

// homeFile is name under the home directory credentials-go uses, or the
// path in env when set.
func homeFile(env, name string) (string, error) {
	if p := os.Getenv(env); p != "" {
		return p, nil
	}
	home := os.Getenv("HOME")
	if runtime.GOOS == "windows" {
		home = os.Getenv("USERPROFILE")
	}
	if home == "" {
		return "", errors.New("no home directory to find " + name + " in")
	}
	return filepath.Join(home, name), nil
}

func checkProfile(name string) error {
	file, err := homeFile("ALIBABA_CLOUD_CREDENTIALS_FILE", ".alibabacloud/credentials")
	if err != nil {
		return err
	}
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("profile %q: credentials file %s: %w", name, file, unwrapPath(err))
	}
	f, err := ini.Load(file)
	if err != nil { // ini's parse errors quote the line, which can hold a secret
		return fmt.Errorf("profile %q: credentials file %s: not a valid ini file", name, file)
	}
	sec, err := f.GetSection(name)
	if err != nil {
		return fmt.Errorf("profile %q: credentials file %s has no section [%s]", name, file, name)
	}
	missing := func(key string) error {
		return fmt.Errorf("profile %q: credentials file %s: section [%s] has no %s", name, file, name, key)
	}
	if sec.Key("type").String() == "" {
		return missing("type")
	}
	if sec.Key("type").String() == "access_key" {
		for _, k := range []string{"access_key_id", "access_key_secret"} {
			if sec.Key(k).String() == "" {
				return missing(k)
			}
		}
	}
	return nil
}

// unwrapPath keeps the reason of a *os.PathError, the path being named
// already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func checkCLIProfile(name string) error {
	if strings.ToLower(os.Getenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED")) == "true" {
		return fmt.Errorf("cli_profile %q: disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true", name)
	}
	file, err := homeFile("ALIBABA_CLOUD_CONFIG_FILE", ".aliyun/config.json")
	if err != nil {
		return err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("cli_profile %q: aliyun CLI config %s: %w", name, file, unwrapPath(err))
	}
	var conf struct {
		Profiles []struct {
			Name string `json:"name"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal(b, &conf); err != nil { // no detail: it can quote the file
		return fmt.Errorf("cli_profile %q: aliyun CLI config %s: not valid JSON", name, file)
	}
	for _, p := range conf.Profiles {
		if p.Name == name {
			return nil
		}
	}
	return fmt.Errorf("cli_profile %q: aliyun CLI config %s has no profile %q", name, file, name)
}
