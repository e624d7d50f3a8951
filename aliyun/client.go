package aliyun

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
)

// MaxPageSize is the largest PageSize DescribeInstanceStatus accepts.
const MaxPageSize = 50

// ActionDescribeInstanceStatus is the API action the exporter pages through.
const ActionDescribeInstanceStatus = "DescribeInstanceStatus"

// Instance is one ECS instance and its status as the API reports it.
type Instance struct {
	ID     string
	Status string
}

// Options configures a Client. The zero value of every field but Regions and
// Credential is a usable default.
type Options struct {
	// Regions to build SDK clients for.
	Regions []string
	// Credential signs every request. Required.
	Credential *Credential
	// Endpoint, when set, replaces every region's endpoint (scheme, host and
	// optional port; for example http://127.0.0.1:8080).
	Endpoint *url.URL
	// Network selects the SDK's endpoints: "public" (default) or "vpc".
	Network string
	// PageSize is the DescribeInstanceStatus page size, 1..MaxPageSize.
	// Zero means MaxPageSize.
	PageSize int
	// RateLimit is API requests per second per region; zero is unlimited.
	// Either way, the rate drops when the API throttles and recovers as
	// requests succeed (see regionLimiter).
	RateLimit float64
	// MaxInflight caps API requests in flight across all regions; zero
	// means 16. Each region may hold at most its share of it
	// (MaxInflight / len(Regions), rounded up), so a slow region cannot
	// starve the others.
	MaxInflight int
	// MaxRetries is how many times one call is retried after a retryable
	// failure. Zero means no retries.
	MaxRetries int
	// Observer, when set, is told about every API attempt.
	Observer Observer

	// signatureV1 signs with HMAC-SHA1 query signing instead of the SDK's
	// default ACS3-HMAC-SHA256, so that tests can check both against the
	// simulator.
	signatureV1 bool
}

// Client pages through DescribeInstanceStatus for the configured regions,
// and for any other region asked for (discovered regions, probes). It is
// safe for concurrent use.
type Client struct {
	opts     Options
	inflight chan struct{}
	doer     *httpDoer
	backoff  backoff

	mu      sync.Mutex
	regions map[string]*regionClient
}

// regionClient is a region's call path (see requester) and what the
// pager needs to know about it.
type regionClient struct {
	endpoint  string
	workers   int // the region's share of the in-flight cap
	requester requester
}

// New validates opts and builds the SDK clients of opts.Regions.
func New(opts Options) (*Client, error) {
	if opts.Credential == nil || opts.Credential.vendor == nil {
		return nil, errors.New("aliyun: no credential")
	}
	if opts.PageSize == 0 {
		opts.PageSize = MaxPageSize
	}
	if opts.PageSize < 1 || opts.PageSize > MaxPageSize {
		return nil, fmt.Errorf("aliyun: page size %d is outside 1..%d", opts.PageSize, MaxPageSize)
	}
	if opts.MaxInflight <= 0 {
		opts.MaxInflight = 16
	}
	if opts.Network == "" {
		opts.Network = "public"
	}
	if opts.Network != "public" && opts.Network != "vpc" {
		return nil, fmt.Errorf("aliyun: network %q is not public or vpc", opts.Network)
	}
	c := &Client{
		opts:     opts,
		regions:  make(map[string]*regionClient, len(opts.Regions)),
		inflight: make(chan struct{}, opts.MaxInflight),
		doer:     newHTTPDoer(opts.MaxInflight),
		backoff:  defaultBackoff,
	}
	for _, r := range opts.Regions {
		if _, err := c.region(r); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// region returns the region's client, building it on first use.
func (c *Client) region(name string) (*regionClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rc, ok := c.regions[name]; ok {
		return rc, nil
	}
	sdk, err := c.newSDKClient(name)
	if err != nil {
		return nil, fmt.Errorf("aliyun: region %s: %w", name, err)
	}
	n := max(1, len(c.opts.Regions))
	share := max(1, (c.opts.MaxInflight+n-1)/n)
	rc := &regionClient{endpoint: dara.StringValue(sdk.Endpoint), workers: share, requester: c.callPath(name, sdk, share)}
	c.regions[name] = rc
	return rc, nil
}

// callPath stacks a region's requester layers: the limits, around the
// Observers (the Client's and the context's), around the V3 signer over
// plain net/http, which hands what it does not sign itself to the SDK,
// whose clients start with sdk. share is the region's share of the
// in-flight cap.
func (c *Client) callPath(name string, sdk *ecs.Client, share int) requester {
	var r requester = newSDKRequester(sdk, func() *ecs.Client {
		// The same configuration succeeded when the region was added.
		sdk, _ := c.newSDKClient(name)
		return sdk
	})
	if !c.opts.signatureV1 {
		r = newSignedRequester(sdk, c.doer, r)
	}
	r = observedRequester{obs: c.opts.Observer, region: name, next: r}
	return &limitedRequester{
		limiter: newRegionLimiter(c.opts.RateLimit),
		region:  make(chan struct{}, share),
		global:  c.inflight,
		next:    r,
	}
}

// Endpoint returns the host the region's requests go to.
func (c *Client) Endpoint(region string) string {
	rc, err := c.region(region)
	if err != nil {
		return ""
	}
	return rc.endpoint
}

// Close releases idle connections.
func (c *Client) Close() { c.doer.close() }

// InstanceStatuses returns every instance of region (restricted to zones when
// not empty), de-duplicated by ID, in API order. It fails as a whole: a
// partial list is never returned.
func (c *Client) InstanceStatuses(ctx context.Context, region string, zones []string) ([]Instance, error) {
	rc, err := c.region(region)
	if err != nil {
		return nil, err
	}
	if len(zones) == 0 {
		return c.sweepZone(ctx, rc, region, "")
	}
	results := make([][]Instance, len(zones))
	errs := make([]error, len(zones))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for i, z := range zones {
		wg.Go(func() {
			results[i], errs[i] = c.sweepZone(ctx, rc, region, z)
			if errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return dedupe(results), nil
}
