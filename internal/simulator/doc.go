// Package simulator is a loopback stand-in for the Alibaba Cloud ECS
// OpenAPI (RPC style, version 2014-05-26).
//
// It answers DescribeInstanceStatus, DescribeInstances and DescribeRegions for a configured,
// in-memory fleet, and checks every request's signature the way the real
// API does, both the V3 ACS3-HMAC-SHA256 Authorization header (the Go SDK's
// default) and the V1 HMAC-SHA1 query signature (SignatureAlgorithm "v2").
// Per-region latency, rate limits and injected faults let tests, benchmarks
// and the exporter's --demo mode exercise the unhappy paths too.
//
// Error codes the simulator answers with, and their HTTP status:
//
//	400 MissingParameter                     no Authorization header nor Signature parameter, or a required auth field is absent
//	400 IncompleteSignature                  malformed Authorization, unsupported algorithm, or a required header not signed
//	404 InvalidAccessKeyId.NotFound          unknown AccessKeyId
//	400 SignatureDoesNotMatch                wrong signature, or x-acs-content-sha256 differs from the body's hash
//	400 InvalidTimeStamp.Format              x-acs-date or Timestamp is not ISO 8601 UTC
//	400 InvalidTimeStamp.Expired             x-acs-date or Timestamp more than 15 minutes from the simulator's clock
//	400 SignatureNonceUsed                   nonce seen before
//	400 InvalidSecurityToken.Malformed       an STS credential without its token, or with a different one
//	400 InvalidSecurityToken.Expired         an STS credential marked Expired
//	400 InvalidVersion                       a Version other than 2014-05-26
//	404 InvalidAction.NotFound               an action other than DescribeInstanceStatus, DescribeInstances, DescribeRegions
//	400 MissingRegionId                      DescribeInstanceStatus without RegionId
//	404 InvalidRegionId.NotFound             a RegionId the account does not have
//	404 InvalidZoneId.NotFound               a ZoneId not in the region
//	400 InvalidParameter                     PageNumber below 1, PageSize outside 1..50, or a malformed query
//	403 InvalidParameter.TooManyInstanceIds  more than 100 InstanceId.N values
//	400 Throttling.User                      the region's rate limit is exhausted
//	503 ServiceUnavailable                   the simulator is closing
//
// The Go SDK's clients are not safe for concurrent use, and by default all
// its clients share one net/http client per endpoint whose fields every call
// writes: to call the simulator from several goroutines without data races,
// give each goroutine its own SDK client, built with its own
// openapi.Config.HttpClient.
package simulator
