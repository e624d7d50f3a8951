// Package config reads the --config.file of named accounts that /probe
// serves: each with its own credentials, optional endpoint and regions.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"go.yaml.in/yaml/v3"
)

// File is a parsed --config.file.
type File struct {
	// Accounts by name; /probe?account=NAME selects one.
	Accounts map[string]Account `yaml:"accounts"`
}

// Account is one Alibaba Cloud account the exporter may probe.
type Account struct {
	// Credentials selects where the account's credential comes from; all
	// fields empty means the default credential chain.
	Credentials aliyun.CredentialSource `yaml:"credentials"`
	// Endpoint replaces the SDK's regional endpoints for this account,
	// like --aliyun.endpoint.
	Endpoint string `yaml:"endpoint"`
	// Regions the account may be probed in.
	Regions []string `yaml:"regions"`
}

var (
	accountName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	regionName  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
)

// Load reads and checks the file at path.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config.file: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("--config.file %s: %w", path, err)
	}
	return f, nil
}

// Parse decodes strictly (an unknown key is an error that names it) and
// checks the result.
func Parse(b []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty; it needs an accounts: map")
		}
		return nil, err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("the file holds more than one YAML document")
	}
	return &f, f.check()
}

func (f *File) check() error {
	if len(f.Accounts) == 0 {
		return errors.New("accounts: define at least one account")
	}
	for _, name := range f.Names() {
		a := f.Accounts[name]
		if !accountName.MatchString(name) {
			return fmt.Errorf("accounts: %q: a name is 1-64 letters, digits, '.', '_' or '-'", name)
		}
		if err := a.check(); err != nil {
			return fmt.Errorf("accounts: %s: %w", name, err)
		}
	}
	return nil
}

func (a Account) check() error {
	if len(a.Regions) == 0 {
		return errors.New("regions: list at least one region, e.g. [cn-hangzhou]")
	}
	seen := map[string]bool{}
	for _, r := range a.Regions {
		if !ValidRegion(r) {
			return fmt.Errorf("regions: %q is not a region ID such as cn-hangzhou", r)
		}
		if seen[r] {
			return fmt.Errorf("regions: %s is listed twice", r)
		}
		seen[r] = true
	}
	if a.Endpoint != "" {
		if _, err := ParseEndpoint(a.Endpoint); err != nil {
			return fmt.Errorf("endpoint: %w", err)
		}
	}
	c := a.Credentials
	if c.Profile != "" && c.CLIProfile != "" {
		return errors.New("credentials: give profile or cli_profile, not both")
	}
	if c.RoleARN == "" && (c.ExternalID != "" || c.RoleSessionName != "") {
		return errors.New("credentials: external_id and role_session_name go with role_arn")
	}
	return nil
}

// ValidRegion says whether r is a region ID such as cn-hangzhou: lower-case
// letters, digits and dashes, 2 to 63 of them. --aliyun.region and the
// regions DescribeRegions lists are held to it too.
func ValidRegion(r string) bool { return regionName.MatchString(r) }

// Names returns the account names, sorted.
func (f *File) Names() []string {
	return slices.Sorted(maps.Keys(f.Accounts))
}

// ParseEndpoint accepts scheme://host[:port] with an optional trailing /,
// scheme http or https.
func ParseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	// A '%' in the host is an escaped IPv6 zone: url.Parse unescapes it, and
	// the SDK pastes the host back into its request URL unescaped, which
	// then does not parse.
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(u.Host, "%") ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return nil, fmt.Errorf("%q must be http:// or https:// followed by host[:port] and nothing else, e.g. http://127.0.0.1:8080 or https://ecs-vpc.cn-hangzhou.aliyuncs.com", s)
	}
	return u, nil
}
