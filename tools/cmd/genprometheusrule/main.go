// Command genprometheusrule writes deploy/kubernetes/base/prometheusrule.yaml
// from the rule files in deploy/prometheus. Run it from the repository root
// (make generate), or pass the root as the only argument.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ecs-exporter/aliyun_ecs_exporter/tools/promrule"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	out, err := promrule.Render(root)
	if err == nil {
		err = os.WriteFile(filepath.Join(root, promrule.Output), out, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genprometheusrule:", err)
		os.Exit(1)
	}
}
