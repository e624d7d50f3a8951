package handler_test

import (
	"testing"

	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
)

// Credential faults: one credential signs for every region, so every region
// fails, each with the API's code (not retried: 4xx).
func TestFaultSuiteCredentials(t *testing.T) {
	runFaultSuite(t, []faultCase{
		{name: "unknown access key", key: "LTAIunknownkey", secret: faultSecret, allRegions: true, wantCode: "InvalidAccessKeyId.NotFound"},
		{name: "wrong secret", key: faultKey, secret: "not-the-secret", allRegions: true, wantCode: "SignatureDoesNotMatch"},
		{name: "expired STS token", key: faultSTSKey, secret: faultSecret, token: faultSTSToken, allRegions: true, wantCode: "InvalidSecurityToken.Expired",
			config: func(cfg *simulator.Config, _ **simulator.Server) {
				cfg.Credentials[faultSTSKey] = simulator.Credential{Secret: faultSecret, SecurityToken: faultSTSToken, Expired: true}
			}},
		{name: "malformed STS token", key: faultSTSKey, secret: faultSecret, token: "not-the-token", allRegions: true, wantCode: "InvalidSecurityToken.Malformed"},
	})
}
