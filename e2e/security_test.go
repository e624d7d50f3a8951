package e2e

// Security of the built binary, in four files: TLS and basic auth from
// --web.config.file (security_tls_test.go), secrets kept out of every output
// (security_secrets_test.go), credentials from a mounted file and from an
// STS token (security_credentials_test.go), and a graceful SIGTERM with a
// scrape in flight (security_shutdown_test.go). This file holds the
// simulated account and the helpers they share.

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

// Recognisable made-up secrets: if any of them shows up in an output, it
// leaked. None opens anything but the simulator.
const (
	secKey           = "STS.e2esecretscan"
	secSecret        = "SECRET-e2e-scan-7d1f0b2a-must-not-leak"
	secToken         = "STSTOKEN-e2e-scan-93ac51e8-must-not-leak"
	secExpiredKey    = "STS.e2eexpired"
	secExpiredSecret = "SECRET-e2e-expired-5b7e40c9-must-not-leak"
	secExpiredToken  = "STSTOKEN-e2e-expired-0f22d6b4-must-not-leak"
	secWrongSecret   = "SECRET-e2e-wrong-c3d9a177-must-not-leak"
	secFileSecret    = "SECRET-e2e-file-81e0c5f3-must-not-leak"
)

// secSimulator is the simulated account of the security tests: two healthy
// regions and the credentials the tests sign with.
func secSimulator(t *testing.T) (*simulator.Server, string, map[string][]simulator.Instance) {
	t.Helper()
	fleets := map[string][]simulator.Instance{
		"cn-hangzhou":  simulator.GenerateFleet("cn-hangzhou", 75, 21),
		"eu-central-1": simulator.GenerateFleet("eu-central-1", 12, 22),
	}
	sim, base := testenv.StartSimulator(t, simulator.Config{
		Credentials: map[string]simulator.Credential{
			testKey:        {Secret: testSecret},
			secKey:         {Secret: secSecret, SecurityToken: secToken},
			secExpiredKey:  {Secret: secExpiredSecret, SecurityToken: secExpiredToken, Expired: true},
			"LTAIfromfile": {Secret: secFileSecret},
		},
		Regions: fleets,
	})
	return sim, base, fleets
}

// basicAuth is the header that authenticates as user with password, or none
// when user is empty.
func basicAuth(user, password string) http.Header {
	if user == "" {
		return nil
	}
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(user, password)
	return r.Header
}

// secWrite writes a file only its owner can read, as secrets are kept.
func secWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// secCredentialsFile writes a credentials file of one access key,
// LTAIfromfile, whose secret is given by secretLine (well-formed or not),
// and returns its path.
func secCredentialsFile(t *testing.T, secretLine string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials")
	secWrite(t, path, []byte("[default]\ntype = access_key\naccess_key_id = LTAIfromfile\n"+secretLine+"\n"))
	return path
}
