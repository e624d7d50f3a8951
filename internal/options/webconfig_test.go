package options

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheWebConfigFileIsCheckedBeforeAnythingStarts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.yml", "basic_auth_users:\n  prometheus: $2a$10$kawNcEoTUIr1Duo70SosKu042aJX8gdEAn0FKBEanHLwSlxQ/U0dO\n")
	if _, err := Parse([]string{"--demo", "--web.config.file=" + good}, noEnv); err != nil {
		t.Errorf("a good web config is refused: %v", err)
	}
	for name, path := range map[string]string{
		"a missing file":        filepath.Join(dir, "missing.yml"),
		"an unknown key":        write("unknown.yml", "tls_server_config:\n  cert_fil: x\n"),
		"a missing key file":    write("nokey.yml", "tls_server_config:\n  cert_file: tls.crt\n"),
		"a missing cert file":   write("nocert.yml", "tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n"),
		"a password not hashed": write("plain.yml", "basic_auth_users:\n  prometheus: hunter2\n"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]string{"--demo", "--web.config.file=" + path}, noEnv)
			if err == nil || !strings.HasPrefix(err.Error(), "--web.config.file="+path+": ") {
				t.Errorf("Parse: %v, want an error that starts with --web.config.file=%s: ", err, path)
			}
		})
	}
}
