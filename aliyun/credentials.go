package aliyun

import (
	"errors"

	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/credentials-go/credentials"
	"github.com/aliyun/credentials-go/credentials/providers"
)

// Credential is where the signing key of every request comes from: a fixed
// key, a profile, an assumed role or the vendor's default chain. It is
// opaque; DefaultCredential, StaticCredential and SourcedCredential build
// one. A nil *Credential is no credential.
type Credential struct {
	vendor credentials.Credential
}

// Type names the kind of credential, for logs: "access_key", "sts",
// "profile", "cli_profile", "ram_role_arn", "default" (the chain), or
// "unknown".
func (c *Credential) Type() string {
	if c == nil || c.vendor == nil {
		return "unknown"
	}
	if t := c.vendor.GetType(); t != nil {
		return *t
	}
	return "unknown"
}

// ErrNoCredentials explains every way to give the exporter a credential.
var ErrNoCredentials = errors.New("no Alibaba Cloud credential found; provide one of: " +
	"ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (optionally ALIBABA_CLOUD_SECURITY_TOKEN); " +
	"RRSA OIDC (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE); " +
	"an aliyun CLI profile (~/.aliyun/config.json, ALIBABA_CLOUD_PROFILE); " +
	"a credentials file (~/.alibabacloud/credentials or ALIBABA_CLOUD_CREDENTIALS_FILE); " +
	"or an ECS RAM role through the instance metadata service")

// DefaultCredential returns the vendor's default credential chain:
// environment, OIDC (RRSA), CLI profile, credentials file, ECS RAM role.
func DefaultCredential() (*Credential, error) {
	return wrap(credentials.NewCredential(nil))
}

func wrap(c credentials.Credential, err error) (*Credential, error) {
	if err != nil {
		return nil, err
	}
	return &Credential{vendor: c}, nil
}

// StaticCredential returns a fixed AccessKey credential, with an STS token
// when token is not empty. It is meant for --demo and tests.
func StaticCredential(id, secret, token string) (*Credential, error) {
	cfg := &credentials.Config{
		Type:            dara.String("access_key"),
		AccessKeyId:     dara.String(id),
		AccessKeySecret: dara.String(secret),
	}
	if token != "" {
		cfg.Type = dara.String("sts")
		cfg.SecurityToken = dara.String(token)
	}
	return wrap(credentials.NewCredential(cfg))
}

// ResolveCredential fetches a credential once and returns the name of the
// provider that supplied it (never the secret). It fails with
// ErrNoCredentials when nothing in the chain resolves. The chain's own
// error text is left out on purpose: credentials-go quotes the offending
// line of a malformed credentials file, which can hold a secret.
func ResolveCredential(c *Credential) (provider string, err error) {
	if c == nil || c.vendor == nil {
		return "", ErrNoCredentials
	}
	m, err := c.vendor.GetCredential()
	if err != nil {
		return "", ErrNoCredentials
	}
	if m == nil || dara.StringValue(m.AccessKeyId) == "" {
		return "", ErrNoCredentials
	}
	return dara.StringValue(m.ProviderName), nil
}

// markedCredential tags the chain's failures as credentialError so that a
// failed sweep is counted under code "credentials", not "network".
type markedCredential struct{ credentials.Credential }

func (c markedCredential) GetCredential() (*credentials.CredentialModel, error) {
	m, err := c.Credential.GetCredential()
	if err != nil {
		return nil, credentialError{err}
	}
	return m, nil
}

// CredentialSource names where an account's credential comes from. All
// fields empty means the default chain. Profile and CLIProfile name a
// profile (one or the other); RoleARN assumes a RAM role on top of the
// profile, or of the default chain when no profile is named. The yaml tags
// are the credentials: block of an account in the --config.file.
type CredentialSource struct {
	// Profile is a section of the credentials file
	// (ALIBABA_CLOUD_CREDENTIALS_FILE or ~/.alibabacloud/credentials).
	Profile string `yaml:"profile"`
	// CLIProfile is a profile of the aliyun CLI (~/.aliyun/config.json).
	CLIProfile string `yaml:"cli_profile"`
	// RoleARN is a RAM role to assume, e.g. acs:ram::123456789012:role/ecs-reader.
	RoleARN string `yaml:"role_arn"`
	// ExternalID is the role's external ID, if its trust policy wants one.
	ExternalID string `yaml:"external_id"`
	// RoleSessionName names the assumed-role session; default
	// "aliyun_ecs_exporter".
	RoleSessionName string `yaml:"role_session_name"`
}

// SourcedCredential builds the credential a CredentialSource names. It
// contacts nothing: a profile is read, and a role assumed, on first use.
func SourcedCredential(s CredentialSource) (*Credential, error) {
	var (
		base providers.CredentialsProvider
		err  error
		kind = "default"
	)
	switch {
	case s.Profile != "":
		kind = "profile"
		base, err = providers.NewProfileCredentialsProviderBuilder().WithProfileName(s.Profile).Build()
	case s.CLIProfile != "":
		kind = "cli_profile"
		base, err = providers.NewCLIProfileCredentialsProviderBuilder().WithProfileName(s.CLIProfile).Build()
	default:
		base = providers.NewDefaultCredentialsProvider()
	}
	if err != nil {
		return nil, err
	}
	if s.RoleARN != "" {
		kind = "ram_role_arn"
		name := s.RoleSessionName
		if name == "" {
			name = "aliyun_ecs_exporter"
		}
		b := providers.NewRAMRoleARNCredentialsProviderBuilder().
			WithCredentialsProvider(base).WithRoleArn(s.RoleARN).WithRoleSessionName(name)
		if s.ExternalID != "" {
			b = b.WithExternalId(s.ExternalID)
		}
		if base, err = b.Build(); err != nil {
			return nil, err
		}
	}
	return &Credential{vendor: credentials.FromCredentialsProvider(kind, base)}, nil
}
