//go:build !lifecycle_client

package app

import (
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
)

// lifecycleSources would be the sources of --collector.health and
// --collector.events for an account, its client; until aliyun.Client has
// InstanceHealth and InstanceEvents there are none, and both flags do
// nothing. (lifecycle.go, built with the lifecycle_client tag, is the real
// one; this file goes when the client lands.)
func lifecycleSources(*aliyun.Client) (collector.HealthSource, collector.EventSource) {
	return nil, nil
}
