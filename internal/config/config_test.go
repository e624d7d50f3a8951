package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"go.yaml.in/yaml/v3"
)

func TestGoodFileLoads(t *testing.T) {
	f, err := Load("testdata/good.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Names(), ","); got != "audit,chain,prod" {
		t.Errorf("accounts %s", got)
	}
	audit := f.Accounts["audit"]
	if audit.Credentials.RoleARN != "acs:ram::123456789012:role/ecs-reader" || audit.Credentials.ExternalID != "exporter" ||
		audit.Endpoint != "https://ecs-vpc.cn-shanghai.aliyuncs.com" || strings.Join(audit.Regions, ",") != "cn-shanghai" {
		t.Errorf("audit = %+v", audit)
	}
	if f.Accounts["chain"].Credentials != (aliyun.CredentialSource{}) {
		t.Errorf("chain should use the default chain: %+v", f.Accounts["chain"].Credentials)
	}
}

func TestBadFilesSayWhatIsWrong(t *testing.T) {
	for file, want := range map[string]string{
		"bad-unknown-key.yml": "field region not found",
		"bad-access-key.yml":  "field access_key_id not found",
		"bad-no-regions.yml":  "prod: regions: list at least one region",
		"bad-endpoint.yml":    "prod: endpoint:",
		"bad-external-id.yml": "external_id and role_session_name go with role_arn",
		"bad-empty.yml":       "empty",
		"does-not-exist.yml":  "no such file",
		"../config_test.go":   "",
	} {
		t.Run(file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", file))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--config.file") {
				t.Errorf("error %q does not name --config.file and %q", err, want)
			}
		})
	}
}

func TestParseRejectsOddNamesAndRegions(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"an account name with a space", "accounts: {\"bad name\": {regions: [cn-hangzhou]}}"},
		{"a region that is not a region ID", "accounts: {prod: {regions: [CN_Hangzhou]}}"},
		{"a region listed twice", "accounts: {prod: {regions: [cn-hangzhou, cn-hangzhou]}}"},
		{"both profile and cli_profile", "accounts: {prod: {credentials: {profile: a, cli_profile: b}, regions: [cn-hangzhou]}}"},
		{"no accounts", "accounts: {}"},
		{"a second YAML document", "accounts: {prod: {regions: [cn-hangzhou]}}\n---\naccounts: {}"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			if _, err := Parse([]byte(tt.doc)); err == nil {
				t.Errorf("accepted %q", tt.doc)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"good.yml", "bad-unknown-key.yml", "bad-endpoint.yml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cfg, err := Parse(b)
		runtime.ReadMemStats(&after)
		// Memory stays bounded by the input: no alias expansion or
		// quadratic decoding blows it up.
		if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20+512*uint64(len(b)) {
			t.Fatalf("parsing %d bytes allocated %d bytes", len(b), n)
		}
		if err != nil {
			return
		}
		// What parses survives a round trip through YAML unchanged.
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("re-parsing %q: %v", out, err)
		}
		if !reflect.DeepEqual(cfg, again) {
			t.Fatalf("round trip changed %+v into %+v", cfg, again)
		}
	})
}

func TestTheKubernetesExampleConfigParses(t *testing.T) {
	b, err := os.ReadFile("../../deploy/kubernetes/probe/configmap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(b, &cm); err != nil {
		t.Fatal(err)
	}
	f, err := Parse([]byte(cm.Data["accounts.yml"]))
	if err != nil {
		t.Fatalf("accounts.yml of the ConfigMap: %v", err)
	}
	if len(f.Names()) < 2 {
		t.Errorf("the example has %d accounts, want several", len(f.Names()))
	}
}

func TestLoadRefusesAFileLargerThanMaxFileSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yml")
	if err := os.WriteFile(path, bytes.Repeat([]byte("#"), MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") || !strings.Contains(err.Error(), "--config.file") {
		t.Fatalf("Load of a %d-byte file: %v, want an error naming --config.file and the limit", MaxFileSize+1, err)
	}
}

func TestLoadKeepsErrorsShortWhenAValueIsHuge(t *testing.T) {
	huge := strings.Repeat("x", 1<<20)
	path := filepath.Join(t.TempDir(), "long.yml")
	doc := "accounts:\n  shop:\n    regions: [" + huge + "]\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load accepted a 1 MiB region name")
	}
	if n := len(err.Error()); n > maxErrorLen+len(path)+64 {
		t.Errorf("the error is %d bytes long, want it cut near %d", n, maxErrorLen)
	}
	if !strings.Contains(err.Error(), "regions") {
		t.Errorf("the cut error no longer says what is wrong: %.200s", err)
	}
}

func TestParseRefusesAnAccountDefinedTwiceAndNamesTheLine(t *testing.T) {
	doc := "accounts:\n  prod: {regions: [cn-hangzhou]}\n  prod: {regions: [cn-shanghai]}\n"
	_, err := Parse([]byte(doc))
	if err == nil || !strings.Contains(err.Error(), `"prod" is defined twice`) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("Parse: %v, want an error naming the repeated account and its line", err)
	}
}

// manyAccounts is a --config.file of n accounts.
func manyAccounts(n int) []byte {
	var b strings.Builder
	b.WriteString("accounts:\n")
	for i := range n {
		fmt.Fprintf(&b, "  a%d:\n    regions: [cn-hangzhou]\n", i)
	}
	return []byte(b.String())
}

// BenchmarkParseAccounts shows the cost per account stays flat as the file
// grows (it grew with the square of the count before).
func BenchmarkParseAccounts(b *testing.B) {
	for _, n := range []int{5_000, 50_000} {
		doc := manyAccounts(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/account")
		})
	}
}
