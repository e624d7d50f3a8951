package deploycheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/tools/promrule"
	"github.com/ecs-exporter/aliyun_ecs_exporter/tools/strictyaml"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	kustomizetypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"
)

const root = "../.."

// kubeTypes maps apiVersion/kind to the Go type a manifest must decode
// into strictly.
var kubeTypes = map[string]func() any{
	"v1/ConfigMap":                                  func() any { return &corev1.ConfigMap{} },
	"v1/ServiceAccount":                             func() any { return &corev1.ServiceAccount{} },
	"v1/Secret":                                     func() any { return &corev1.Secret{} },
	"v1/Service":                                    func() any { return &corev1.Service{} },
	"apps/v1/Deployment":                            func() any { return &appsv1.Deployment{} },
	"networking.k8s.io/v1/NetworkPolicy":            func() any { return &networkingv1.NetworkPolicy{} },
	"monitoring.coreos.com/v1/ServiceMonitor":       func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule":       func() any { return &monitoringv1.PrometheusRule{} },
	"kustomize.config.k8s.io/v1beta1/Kustomization": func() any { return &kustomizetypes.Kustomization{} },
}

// jsonPatchOp is one RFC 6902 operation, as kustomize reads them.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from,omitempty"`
	Value any    `json:"value,omitempty"`
}

// documents splits a YAML stream and returns each document as JSON,
// rejecting duplicate keys.
func documents(data []byte) ([][]byte, error) {
	r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		j, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			return nil, err
		}
		docs = append(docs, j)
	}
}

func stripComments(doc []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line...)
			out = append(out, '\n')
		}
	}
	return out
}

// decodeKube decodes one Kubernetes manifest (or a JSON patch) strictly, and
// returns what it is.
func decodeKube(doc []byte) (string, error) {
	if bytes.HasPrefix(bytes.TrimSpace(doc), []byte("[")) {
		var ops []jsonPatchOp
		if err := strictyaml.Unmarshal(doc, &ops); err != nil {
			return "", fmt.Errorf("JSON patch: %w", err)
		}
		for _, op := range ops {
			if !strings.HasPrefix(op.Path, "/") {
				return "", fmt.Errorf("JSON patch op %q: path %q", op.Op, op.Path)
			}
		}
		return "JSON patch", nil
	}
	gvk, _, err := decodeObject(doc)
	return gvk, err
}

// decodeObject decodes one Kubernetes manifest strictly into the API type
// of its apiVersion/kind, and returns both.
func decodeObject(doc []byte) (string, any, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return "", nil, err
	}
	gvk := head.APIVersion + "/" + head.Kind
	newObj, ok := kubeTypes[gvk]
	if !ok {
		return "", nil, fmt.Errorf("no API type known for %q", gvk)
	}
	obj := newObj()
	if err := strictyaml.Unmarshal(doc, obj); err != nil {
		return "", nil, fmt.Errorf("%s: %w", gvk, err)
	}
	return gvk, obj, nil
}

func TestEveryYAMLFileInDeployParsesAndKubernetesObjectsDecodeStrictly(t *testing.T) {
	seen := map[string]int{}
	err := filepath.WalkDir(filepath.Join(root, "deploy"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".yml" && ext != ".yaml" {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := documents(data)
			if err != nil {
				t.Fatalf("does not parse: %v", err)
			}
			if len(docs) == 0 {
				t.Fatal("holds no document")
			}
			for i, doc := range docs {
				kind, err := decodeDoc(rel, doc)
				if err != nil {
					t.Errorf("document %d: %v", i, err)
					continue
				}
				seen[kind]++
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("decoded: %v", seen)
	for _, want := range []string{"apps/v1/Deployment", "v1/Service", "monitoring.coreos.com/v1/ServiceMonitor",
		"monitoring.coreos.com/v1/PrometheusRule", "networking.k8s.io/v1/NetworkPolicy", "v1/Secret",
		"Prometheus rule file", "promtool test file", "Prometheus config", "Alertmanager config"} {
		if seen[want] == 0 {
			t.Errorf("no %s in deploy/", want)
		}
	}
}

// decodeDoc checks one document by where it lives.
func decodeDoc(rel string, doc []byte) (string, error) {
	switch {
	case strings.HasPrefix(rel, "deploy/kubernetes/"):
		return decodeKube(doc)
	case strings.HasPrefix(rel, "deploy/prometheus/tests/"):
		var test struct {
			RuleFiles []string `json:"rule_files"`
			Tests     []any    `json:"tests"`
		}
		if err := yaml.Unmarshal(doc, &test); err != nil || len(test.RuleFiles) == 0 || len(test.Tests) == 0 {
			return "", fmt.Errorf("not a promtool test file (rule_files and tests): %v", err)
		}
		return "promtool test file", nil
	case strings.HasPrefix(rel, "deploy/prometheus/"):
		var top map[string]any
		if err := yaml.Unmarshal(doc, &top); err != nil {
			return "", err
		}
		if _, ok := top["groups"]; ok {
			var spec monitoringv1.PrometheusRuleSpec
			if err := strictyaml.Unmarshal(doc, &spec); err != nil || len(spec.Groups) == 0 {
				return "", fmt.Errorf("not a rule file: %v", err)
			}
			return "Prometheus rule file", nil
		}
		if scrapes, ok := top["scrape_configs"].([]any); !ok || len(scrapes) == 0 {
			return "", fmt.Errorf("neither a rule file (groups) nor a Prometheus config (scrape_configs)")
		}
		return "Prometheus config", nil
	case strings.HasPrefix(rel, "deploy/alertmanager/"):
		var cfg struct {
			Route     map[string]any `json:"route"`
			Receivers []any          `json:"receivers"`
		}
		if err := yaml.Unmarshal(doc, &cfg); err != nil || cfg.Route == nil || len(cfg.Receivers) == 0 {
			return "", fmt.Errorf("no route and receivers: %v", err)
		}
		return "Alertmanager config", nil
	}
	return "", fmt.Errorf("no check for a YAML file here; add one to decodeDoc")
}

// The strict decoding must catch a misspelt field, or passing proves nothing.
func TestStrictDecodingRejectsAMisspeltField(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "deploy/kubernetes/base/deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(data, []byte("readOnlyRootFilesystem:"), []byte("readOnlyRootFileSystem:"), 1)
	if bytes.Equal(bad, data) {
		t.Fatal("deployment.yaml has no readOnlyRootFilesystem to misspell")
	}
	docs, err := documents(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeKube(docs[0]); err == nil || !strings.Contains(err.Error(), "readOnlyRootFileSystem") {
		t.Errorf("a misspelt field decoded without the error naming it: %v", err)
	}
}

func TestPrometheusRuleIsGeneratedFromTheRuleFiles(t *testing.T) {
	want, err := promrule.Render(root)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, promrule.Output))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with %s: run `make generate`", promrule.Output, strings.Join(promrule.RuleFiles, " and "))
	}
	// And it holds every rule of the files, by name.
	pr, err := promrule.Build(root)
	if err != nil {
		t.Fatal(err)
	}
	names := 0
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" || r.Record != "" {
				names++
			}
		}
	}
	if names < 10 {
		t.Errorf("the PrometheusRule has %d rules; the files have 5 recording rules and 5 alerts", names)
	}
}
