package app

import (
	"fmt"
	"net/url"

	"github.com/ecs-exporter/aliyun_ecs_exporter/aliyun"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/config"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/options"
	"github.com/ecs-exporter/aliyun_ecs_exporter/internal/simulator"
	"github.com/go-kit/log/level"
)

// defaultCredential is the credential of the /metrics account: with
// --demo the simulator's static key, else the vendor's default chain,
// resolved once here so that a missing credential stops the start-up with
// a message that lists every way to give one, and the log names the
// provider (never the secret).
func (a *App) defaultCredential() (*aliyun.Credential, error) {
	if a.demo != nil {
		return aliyun.StaticCredential(simulator.DemoAccessKeyID, simulator.DemoAccessKeySecret, "")
	}
	cred, err := aliyun.DefaultCredential()
	if err != nil {
		return nil, aliyun.ErrNoCredentials
	}
	provider, err := aliyun.ResolveCredential(cred)
	if err != nil {
		return nil, err
	}
	level.Info(a.logger).Log("msg", "using credentials", "provider", provider)
	return cred, nil
}

// fileAccount is one --config.file account, its credential built.
type fileAccount struct {
	name     string
	regions  []string
	endpoint *url.URL // nil: the flags' endpoint
	cred     *aliyun.Credential
}

// fileAccounts builds the credential of every --config.file account, in
// name order. It contacts nothing: a profile is read, and a role assumed,
// on first use.
func fileAccounts(opts *options.Options) ([]fileAccount, error) {
	f := opts.Accounts
	if f == nil {
		return nil, nil
	}
	var out []fileAccount
	for _, name := range f.Names() {
		acct := f.Accounts[name]
		cred, err := aliyun.SourcedCredential(acct.Credentials)
		if err != nil {
			return nil, fmt.Errorf("--config.file %s: accounts: %s: credentials: %w", opts.ConfigFile, name, err)
		}
		fa := fileAccount{name: name, regions: acct.Regions, cred: cred}
		if acct.Endpoint != "" {
			fa.endpoint, _ = config.ParseEndpoint(acct.Endpoint) // checked by config.Load
		}
		out = append(out, fa)
	}
	return out, nil
}
