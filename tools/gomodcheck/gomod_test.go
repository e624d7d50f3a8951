package gomodcheck

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// requireLine matches a requirement inside or outside a require block:
// "\tpath version" or "require path version", with an optional comment.
var requireLine = regexp.MustCompile(`^(?:require\s+|\s+)(\S+)\s+(v\S+)(?:\s+//.*)?$`)

// tolerated are the modules whose two versions may differ, and why.
var tolerated = map[string]string{
	"github.com/modern-go/reflect2": "under 0.1 MB; the Kubernetes types want a pseudo-version the exporter does not",
}

// requirements reads the module path → version requirements of a go.mod.
func requirements(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reqs := map[string]string{}
	inBlock := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "require (":
			inBlock = true
		case line == ")":
			inBlock = false
		case inBlock || strings.HasPrefix(line, "require "):
			if m := requireLine.FindStringSubmatch(line); m != nil {
				reqs[m[1]] = m[2]
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 {
		t.Fatalf("%s: no requirements read", path)
	}
	return reqs
}

func TestToolsShareTheExportersModuleVersions(t *testing.T) {
	exporter := requirements(t, "../../go.mod")
	tools := requirements(t, "../go.mod")
	same := 0
	for path, v := range tools {
		ev, ok := exporter[path]
		switch {
		case !ok:
		case v == ev:
			same++
		case tolerated[path] != "":
			t.Logf("%s: tools/go.mod %s, go.mod %s (tolerated: %s)", path, v, ev, tolerated[path])
		default:
			t.Errorf("%s: tools/go.mod requires %s, go.mod %s, so the module cache holds both; require the higher in both", path, v, ev)
		}
	}
	if same == 0 {
		t.Fatal("tools/go.mod and go.mod share no module at the same version: the parsing is broken")
	}
	t.Logf("%d modules required by both go.mod files at the same version", same)
}
