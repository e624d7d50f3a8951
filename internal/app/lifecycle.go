//go:build lifecycle_client

package app

import (
	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/collector"
)

// lifecycleSources are the sources of --collector.health and
// --collector.events for an account: its client.
func lifecycleSources(client *aliyun.Client) (collector.HealthSource, collector.EventSource) {
	return client, client
}
