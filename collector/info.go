package collector

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
)

// InfoSource lists a region's instances with their names, types and tags;
// *aliyun.Client is one.
type InfoSource interface {
	InstanceInfos(ctx context.Context, region string, zones []string) ([]aliyun.InstanceInfo, error)
}

// InfoOptions configures ecs_instance_info. The zero value disables it.
type InfoOptions struct {
	// Source lists instances with DescribeInstances. Nil disables the
	// info metric.
	Source InfoSource
	// Refresh is how old a region's info may grow before it is fetched
	// again, in the background; zero means 5 minutes.
	Refresh time.Duration
	// Tags are the tag keys turned into tag_<key> labels. They must pass
	// TagLabels; New panics otherwise.
	Tags []string
}

// TagLabels returns the label name for each tag key: "tag_" and the key with
// every character outside [a-zA-Z0-9_] replaced by "_". Keys that are empty
// or sanitise to the same name are an error.
func TagLabels(keys []string) ([]string, error) {
	out := make([]string, len(keys))
	owner := map[string]string{}
	for i, k := range keys {
		if k == "" {
			return nil, fmt.Errorf("an empty tag key")
		}
		name := tagLabel(k)
		if prev, dup := owner[name]; dup {
			return nil, fmt.Errorf("tag keys %q and %q both become label %s", prev, k, name)
		}
		owner[name] = k
		out[i] = name
	}
	return out, nil
}

// tagLabel is the label name of one tag key.
func tagLabel(key string) string {
	var b strings.Builder
	b.WriteString("tag_")
	for _, r := range key {
		if r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
