package aliyun

import (
	"context"
	"errors"
	"io"
	"sync"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
)

// sdkRequester sends a request through the vendor SDK itself (which signs
// it and turns error responses into typed errors), decodes a successful
// body, and classifies a failure. It is the bottom of the call path for
// V1 signing, and for credentials signedRequester hands on. The
// SDK client is not safe for concurrent calls (every RPC call clears a
// field of the shared client), so each request borrows one from a pool.
type sdkRequester struct {
	pool sync.Pool // of *ecs.Client
}

// newSDKRequester pools first, and builds more with build as needed.
func newSDKRequester(first *ecs.Client, build func() *ecs.Client) *sdkRequester {
	s := &sdkRequester{}
	s.pool.New = func() any { return build() }
	s.pool.Put(first)
	return s
}

func (s *sdkRequester) do(ctx context.Context, req apiRequest) *Error {
	rctx, status := withStatusRecorder(ctx)
	sdk := s.pool.Get().(*ecs.Client)
	resp, err := sdk.CallApiWithCtx(rctx, apiParams(req.action), &openapiutil.OpenApiRequest{Query: req.query}, &dara.RuntimeOptions{})
	s.pool.Put(sdk)
	if err == nil {
		err = readBody(resp, req.decode)
	}
	if err != nil {
		return classify(ctx, err, *status)
	}
	return nil
}

// newSDKClient builds an SDK client of region, with the Client's
// credential, endpoint, network and transport.
func (c *Client) newSDKClient(region string) (*ecs.Client, error) {
	cfg := &openapiutil.Config{
		RegionId:   dara.String(region),
		Credential: markedCredential{c.opts.Credential.vendor},
		HttpClient: c.doer,
		UserAgent:  dara.String("aliyun_ecs_exporter"),
	}
	switch {
	case c.opts.Endpoint != nil:
		cfg.Endpoint = dara.String(c.opts.Endpoint.Host)
		cfg.Protocol = dara.String(c.opts.Endpoint.Scheme)
	case c.opts.Network == "vpc":
		// The SDK's endpoint map lists public hosts only and wins over
		// Network, so build the VPC host with the SDK's own rule.
		ep, err := openapiutil.GetEndpointRules(dara.String("ecs"), dara.String(region),
			dara.String("regional"), dara.String("vpc"), nil)
		if err != nil {
			return nil, err
		}
		cfg.Endpoint = ep
		cfg.Protocol = dara.String("https")
	default:
		cfg.Protocol = dara.String("https")
	}
	if c.opts.signatureV1 {
		cfg.SignatureAlgorithm = dara.String("v2")
	}
	sdk, err := ecs.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	// Typed errors keep the throttling hint and the HTTP status.
	sdk.Client.DisableSDKError = dara.Bool(true)
	return sdk, nil
}

// apiParams describes an RPC-style ECS action whose response body the SDK
// hands back unread ("binary"): the SDK still signs, sends and turns error
// responses into typed errors, but a successful body is decoded by us into
// lean structs instead of the SDK's generic map → JSON → struct round trip.
func apiParams(action string) *openapiutil.Params {
	return &openapiutil.Params{
		Action:      dara.String(action),
		Version:     dara.String("2014-05-26"),
		Protocol:    dara.String("HTTPS"),
		Pathname:    dara.String("/"),
		Method:      dara.String("POST"),
		AuthType:    dara.String("AK"),
		Style:       dara.String("RPC"),
		ReqBodyType: dara.String("formData"),
		BodyType:    dara.String("binary"),
	}
}

var errNoBody = errors.New("the SDK returned no response body")

// readBody decodes and always drains and closes the body the SDK returned,
// so that the connection goes back to the pool.
func readBody(resp map[string]interface{}, decode func(io.Reader) error) error {
	body, ok := resp["body"].(io.ReadCloser)
	if !ok {
		return errNoBody
	}
	defer body.Close()
	return decodeAndDrain(body, decode)
}
