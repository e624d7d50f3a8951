package e2e

// TLS and basic auth from --web.config.file.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/testenv"
)

const (
	// webUser / webPassword guard the exporter in the TLS test;
	// webPasswordHash is bcrypt (cost 10) of webPassword, made with
	// golang.org/x/crypto/bcrypt. The test proves they match: the right
	// password gets a 200.
	webUser         = "prometheus"
	webPassword     = "e2e-web-password-4a91"
	webPasswordHash = "$2a$10$kawNcEoTUIr1Duo70SosKu042aJX8gdEAn0FKBEanHLwSlxQ/U0dO"
)

// selfSignedCert writes a self-signed ECDSA certificate for 127.0.0.1 and
// its key to dir, and returns their paths and the certificate.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "aliyun_ecs_exporter e2e"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err = x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	secWrite(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	secWrite(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	return certFile, keyFile, cert
}

func TestWebConfigServesTLSAndRequiresBasicAuth(t *testing.T) {
	_, base, fleets := secSimulator(t)
	dir := t.TempDir()
	certFile, keyFile, cert := selfSignedCert(t, dir)
	webConfig := filepath.Join(dir, "web-config.yml")
	secWrite(t, webConfig, fmt.Appendf(nil, "tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  %s: %s\n",
		certFile, keyFile, webUser, webPasswordHash))

	exp := startExporter(t, keyEnv(t),
		"--aliyun.endpoint="+base, "--aliyun.region=cn-hangzhou", "--aliyun.region=eu-central-1",
		"--web.config.file="+webConfig)
	addr := strings.TrimPrefix(exp.URL, "http://")

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	tlsClient := &http.Client{Transport: &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
	defer tlsClient.CloseIdleConnections()
	metrics := "https://" + addr + "/metrics"

	for _, tc := range []struct {
		name, url, user, password string
		want                      int
	}{
		{"no credentials", metrics, "", "", http.StatusUnauthorized},
		{"wrong password", metrics, webUser, "not-the-password", http.StatusUnauthorized},
		{"unknown user", metrics, "admin", webPassword, http.StatusUnauthorized},
		{"no credentials on the landing page", "https://" + addr + "/", "", "", http.StatusUnauthorized},
		{"right password", metrics, webUser, webPassword, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, err := fetchURL(tlsClient, tc.url, basicAuth(tc.user, tc.password))
			if err != nil {
				t.Fatalf("GET %s: %v", tc.url, err)
			}
			if code != tc.want {
				t.Fatalf("GET %s as %q: HTTP %d, want %d", tc.url, tc.user, code, tc.want)
			}
			if code != http.StatusOK {
				if strings.Contains(string(body), "ecs_") {
					t.Errorf("a refused request got metrics:\n%s", body)
				}
				return
			}
			mfs := testenv.Parse(t, body)
			status := testenv.Series(mfs, "ecs_instance_status", "instance_id", "region", "status")
			for region, fleet := range fleets {
				checkFleet(t, status, region, fleet)
			}
			t.Logf("HTTPS with the right password: HTTP %d, %d status series", code, len(status))
		})
	}

	t.Run("plain HTTP to the TLS listener fails", func(t *testing.T) {
		plain := &http.Client{Transport: &http.Transport{Proxy: nil}}
		defer plain.CloseIdleConnections()
		code, body, err := fetchURL(plain, "http://"+addr+"/metrics", basicAuth(webUser, webPassword))
		if err == nil && (code == http.StatusOK || strings.Contains(string(body), "ecs_")) {
			t.Fatalf("plain HTTP got HTTP %d with metrics", code)
		}
		t.Logf("plain HTTP: HTTP %d %q, err %v", code, strings.TrimSpace(string(body)), err)
	})

	t.Run("a client that does not trust the certificate fails", func(t *testing.T) {
		untrusting := &http.Client{Transport: &http.Transport{Proxy: nil}}
		defer untrusting.CloseIdleConnections()
		if _, _, err := fetchURL(untrusting, metrics, basicAuth(webUser, webPassword)); err == nil {
			t.Fatal("a client without the certificate in its roots connected")
		}
	})
}
