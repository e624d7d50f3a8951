// Package aliyun is the exporter's only door to the Alibaba Cloud ECS API,
// and the only package that imports the vendor SDK (alibabacloud-go/*,
// aliyun/credentials-go). The SDK signs requests, loads credentials and
// knows the endpoints; this package adds what a scrape needs on top:
// paging that survives a listing changing under it, a per-region rate
// limit that adapts to throttling, caps on requests in flight, retries
// that respect the caller's deadline, and error codes fit for a label. It
// returns plain Go values; no vendor type leaves it.
//
// # Seams
//
//   - Client (client.go) answers InstanceStatuses, InstanceInfos and
//     Regions (describe.go), InstanceHealth (health.go,
//     DescribeInstancesFullStatus) and InstanceEvents (events.go,
//     DescribeInstanceHistoryEvents) for any region, and is safe for
//     concurrent use. Their plain types for health, system events, expiry
//     and locks are in lifecycle.go.
//   - Options configures a Client; every zero value but Regions and
//     Credential is a usable default.
//   - Credential (credentials.go) is an opaque credential, built by
//     DefaultCredential, StaticCredential, or SourcedCredential from a
//     CredentialSource (a profile, a CLI profile, a role to assume; the
//     --config.file's credentials: block decodes into one).
//   - Observer (observe.go) hears of every API attempt: action, region,
//     code and duration; the Client's hears of all, and one given with
//     WithObserver of those made under its context.
//   - Error and ErrorCode (errors.go) carry a failure's bounded code (the
//     API's Code, or timeout, network, decode, credentials) and its detail;
//     ErrorMessage (message.go) what may be shown of it: the API's message,
//     with no signature, token or secret.
//
// Library errors say what is wrong in their own terms; the caller adds
// where the input came from (a flag, a file).
//
// # The path of one call
//
//	InstanceStatuses                       client.go: one sweep per zone, merged
//	  sweepZone → pass → countedPages      pager.go, counted.go: page 1, then the rest at once
//	    call                               call.go: retries with backoff, within the deadline
//	      limitedRequester                 limits.go: rate limit, region slot, global slot
//	        observedRequester              observe.go: Observers told code and duration
//	          signedRequester              signed.go: the SDK's V3 signer over plain net/http
//	            httpDoer                   transport.go: pooled connections, size cap
//	            decodeStatusPage           pager.go: a 200 body → []Instance, body drained
//	            typedError                 errorbody.go: an error body → the SDK's typed error
//	            classify                   classify.go: any failure → Error with a Code
//	          sdkRequester                 sdk.go: the SDK itself, for V1 and token credentials
//
// InstanceInfos, Regions, InstanceHealth and InstanceEvents take the same
// path from call down: the same limits, Observer, retries and error codes
// (a role without the action gets Forbidden.RAM, which is not retried).
// InstanceHealth pages like a sweep pass, page 1 then the rest at once
// (countedPages, counted.go, through fetchEach in fetch_each.go);
// InstanceInfos and InstanceEvents follow NextToken one page after another
// (tokenListing, nexttoken.go). Every decoder reads wire items and keeps
// their plain form (plain.go). API times are read by
// times.go. The adaptive limiter itself is in limiter.go; ZoneRegion and
// AssignZones (zones.go) map zone IDs to their regions.
package aliyun
