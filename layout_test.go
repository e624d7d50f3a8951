package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// vendorSDK are the import path prefixes of the vendor SDK: the ECS client,
// the OpenAPI core under it and the credential chain.
var vendorSDK = []string{"github.com/alibabacloud-go/", "github.com/aliyun/credentials-go"}

// sdkImporters are the packages besides aliyun/ that may import the vendor
// SDK, and whether only their tests may. Everything else reaches the SDK
// through aliyun/ alone.
var sdkImporters = map[string]struct {
	testsOnly bool
	why       string
}{
	"aliyun": {why: "the one seam between the exporter and the vendor SDK"},
	"bench":  {why: "the sequential pager, the SDK used bare, is the harness's baseline"},
	"internal/simulator": {testsOnly: true,
		why: "its tests check the simulator against what the real SDK signs and sends"},
}

// TestVendorSDKStaysInAliyun fails when a package other than those in
// sdkImporters imports the vendor SDK, in its code or in its tests.
func TestVendorSDKStaysInAliyun(t *testing.T) {
	const module = "github.com/ecs-exporter/aliyun_ecs_exporter"
	out, err := exec.Command("go", "list", "-f",
		`{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`,
		"./...").Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderrOf(err))
	}
	seen := 0 // vendor imports found where they are allowed: proof the parsing works
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), "|", 3)
		if len(fields) != 3 {
			t.Fatalf("go list printed %q", sc.Text())
		}
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		allowed, ok := sdkImporters[pkg]
		for _, imp := range vendorImports(fields[1]) {
			switch {
			case !ok:
				t.Errorf("package %s imports the vendor SDK (%s): only aliyun/ may; give aliyun/ what it needs and return plain types", fields[0], imp)
			case allowed.testsOnly:
				t.Errorf("package %s imports the vendor SDK (%s) outside its tests; its tests may because %s", fields[0], imp, allowed.why)
			default:
				seen++
			}
		}
		for _, imp := range vendorImports(fields[2]) {
			if !ok {
				t.Errorf("tests of package %s import the vendor SDK (%s): only aliyun/ may; test through aliyun/", fields[0], imp)
				continue
			}
			seen++
		}
	}
	if seen == 0 {
		t.Fatalf("found no vendor SDK import at all, not even in aliyun/: is the go list output parsed right?\n%s", out)
	}
}

// TestFileSizeLimits holds every Go file of the repository, tools/ included,
// to the size limits of the layout: 300 lines for code, 400 for tests.
func TestFileSizeLimits(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		limit := 300
		if strings.HasSuffix(path, "_test.go") {
			limit = 400
		}
		if n := bytes.Count(b, []byte("\n")); n > limit {
			t.Errorf("%s has %d lines; the limit is %d: split it by what it holds", path, n, limit)
		}
		checked++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("found no Go file to check")
	}
}

// vendorImports returns those of the space-separated import paths that are
// the vendor SDK's.
func vendorImports(imports string) []string {
	var found []string
	for _, imp := range strings.Fields(imports) {
		for _, prefix := range vendorSDK {
			if strings.HasPrefix(imp, prefix) {
				found = append(found, imp)
			}
		}
	}
	return found
}

// stderrOf returns what a failed command printed on standard error.
func stderrOf(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}
