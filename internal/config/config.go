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
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

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

// MaxFileSize bounds what Load reads: a file of thousands of accounts is a
// few hundred KiB, so anything near this is the wrong path (a device, a
// log), refused before it costs memory.
const MaxFileSize = 16 << 20

// maxErrorLen bounds an error's text: a value the file got wrong is quoted
// in it, and may be megabytes long.
const maxErrorLen = 512

// Load reads and checks the file at path.
func Load(path string) (*File, error) {
	b, err := readLimited(path)
	if err != nil {
		return nil, fmt.Errorf("--config.file: %w", err)
	}
	f, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("--config.file %s: %s", path, truncate(err.Error(), maxErrorLen))
	}
	return f, nil
}

// readLimited reads the file, refusing one larger than MaxFileSize.
func readLimited(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d MiB; a file of accounts is far smaller: check the path", path, MaxFileSize>>20)
	}
	return b, nil
}

// truncate cuts s to at most n bytes (on a rune boundary), marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (cut)"
}

// Parse decodes strictly (an unknown key is an error that names it and its
// line) and checks the result. The file is read as a yaml.Node and each
// account decoded on its own: decoding the whole accounts mapping at once
// checks for repeated keys pairwise, which took 12 s for 50,000 accounts.
func Parse(b []byte) (*File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty; it needs an accounts: map")
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("the file holds more than one YAML document")
	}
	f, err := decodeFile(&doc)
	if err != nil {
		return nil, err
	}
	return f, f.check()
}

// decodeFile decodes the document node of a File.
func decodeFile(doc *yaml.Node) (*File, error) {
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	f := &File{}
	if err := strictKeys(root, reflect.TypeOf(*f)); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		accounts := root.Content[i+1]
		if accounts.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("line %d: accounts: must map account names to accounts", accounts.Line)
		}
		f.Accounts = make(map[string]Account, len(accounts.Content)/2)
		for j := 0; j+1 < len(accounts.Content); j += 2 {
			key, value := accounts.Content[j], accounts.Content[j+1]
			if _, dup := f.Accounts[key.Value]; dup {
				return nil, fmt.Errorf("line %d: accounts: %q is defined twice", key.Line, key.Value)
			}
			var a Account
			if err := decodeStrict(value, &a); err != nil {
				return nil, fmt.Errorf("accounts: %s: %w", key.Value, err)
			}
			f.Accounts[key.Value] = a
		}
	}
	return f, nil
}

// decodeStrict decodes n into out (a pointer to a struct), refusing keys
// that none of its fields (nor of its struct fields) is tagged with.
func decodeStrict(n *yaml.Node, out any) error {
	if err := strictKeys(n, reflect.TypeOf(out).Elem()); err != nil {
		return err
	}
	return n.Decode(out)
}

// strictKeys checks a mapping node's keys against t's yaml tags, and those
// of its struct-typed fields against theirs. Other kinds of node are left
// to Decode, which says what it expected.
func strictKeys(n *yaml.Node, t reflect.Type) error {
	if n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		field, ok := fieldByTag(t, key.Value)
		if !ok {
			return fmt.Errorf("line %d: field %s not found in type %s", key.Line, key.Value, t)
		}
		if err := strictKeys(n.Content[i+1], field.Type); err != nil {
			return err
		}
	}
	return nil
}

// fieldByTag finds t's field whose yaml tag names key.
func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
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
	// url.Parse lets through a host with characters past ASCII, control
	// characters among them (U+0080 to U+009F), which the SDK cannot send.
	if strings.IndexFunc(u.Host, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
		return nil, fmt.Errorf("%q: the host must be plain ASCII, without spaces or control characters (an international domain name in its xn-- form)", s)
	}
	return u, nil
}
