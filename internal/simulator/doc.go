// Package simulator is a loopback stand-in for the Alibaba Cloud ECS
// OpenAPI (RPC style, version 2014-05-26), used by the tests, the
// benchmarks and the exporter's --demo mode.
//
// It answers DescribeInstanceStatus, DescribeInstances, DescribeRegions,
// DescribeInstancesFullStatus and DescribeInstanceHistoryEvents for a
// configured, in-memory fleet and its system events (Event, event.go),
// and checks every request's signature
// the way the real API does, both the V3 ACS3-HMAC-SHA256 Authorization
// header (the Go SDK's default) and the V1 HMAC-SHA1 query signature
// (SignatureAlgorithm "v2"). Per-region latency, rate limits, injected
// faults and actions the account's role may not call (Config.Forbidden)
// let tests, benchmarks and --demo exercise the unhappy paths too; SetHealth
// and PutEvent change an instance's health and the events at run time.
//
// # How it is built
//
// Server (server.go) owns no lock. It routes each call through parts that
// each live in one file and guard their own state:
//
//	lifecycle    lifecycle.go     listener, handlers in flight, the closing signal (mutex)
//	verifier     auth.go          credentials, clock and nonceCache (nonce_cache.go, mutex)
//	rateLimits   rate_limits.go   one token bucket per region (mutex)
//	latencies    latencies.go     per-region delay (read-only)
//	forbidden    forbidden.go     per-region actions refused with Forbidden.RAM (read-only)
//	faultList    fault_list.go    injected Faults (fault.go) and their counts (mutex)
//	fleet        fleet.go         every regionFleet (region_fleet.go), lookups and churn (RWMutex);
//	                              health and system events (fleet_lifecycle.go)
//	statsTable   stats_table.go   Stats (stats.go) per region (RWMutex); counters.go, call_stats.go (atomic)
//	requestIDs   request_ids.go   UUID-shaped request IDs (atomic)
//
// A call (call.go) reads its parameters (params.go), is authenticated with
// the pure signature functions (signature.go, authorization.go), passes the
// rate limit, latency and faults, and is answered by its action unless the
// account's role may not call it (forbidden). The
// actions are functions in the table of action.go, one file each
// (describe_instance_status.go, describe_instances.go, describe_regions.go,
// describe_instances_full_status.go, describe_instance_history_events.go):
// adding an action is a new file and one entry in that table. The four list
// actions share their paging (paging.go): listAction reads the page a call
// asks for and checks its region and zone, and the action's own function
// lists that page and builds the answer around the shared header. Errors and
// answers are written by errors.go and response.go. Config (config.go)
// describes the account; Instance (instance.go) one instance;
// GenerateFleet (generate.go) and Demo (demo.go, demo_lifecycle.go) build
// fleets.
//
// DescribeInstanceHistoryEvents, like the real API, lists only finished
// events (Avoided, Executed, Canceled, Failed) unless
// InstanceEventCycleStatus.N asks for others; DescribeInstancesFullStatus
// lists each instance's Scheduled and Inquiring events with its health.
//
// # Errors
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
//	404 InvalidAction.NotFound               an action the simulator does not answer
//	403 Forbidden.RAM                        an action Config.Forbidden refuses in the call's region
//	400 MissingRegionId                      an action other than DescribeRegions without RegionId
//	404 InvalidRegionId.NotFound             a RegionId the account does not have
//	404 InvalidZoneId.NotFound               a ZoneId not in the region
//	400 InvalidParameter                     PageNumber below 1, PageSize outside 1..50 (1..100 for DescribeInstancesFullStatus),
//	                                         MaxResults below 1 (DescribeInstances: above 100), a malformed NextToken or query
//	403 InvalidParameter.TooManyInstanceIds  more than 100 InstanceId.N values
//	400 Throttling.User                      the region's rate limit is exhausted
//	503 ServiceUnavailable                   the simulator is closing
//
// # Concurrency
//
// The Go SDK's clients are not safe for concurrent use, and by default all
// its clients share one net/http client per endpoint whose fields every call
// writes: to call the simulator from several goroutines without data races,
// give each goroutine its own SDK client, built with its own
// openapi.Config.HttpClient.
package simulator
