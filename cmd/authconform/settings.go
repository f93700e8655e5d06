package main

import (
	"fmt"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/envfile"
)

// settingsRules are what a settings file may hold: the variables the
// configuration reads, the client secrets only by reference or by file.
func settingsRules() envfile.Rules {
	r := envfile.Rules{Known: config.Variables}
	for _, p := range config.SecretVariables() {
		r.Secrets = append(r.Secrets, envfile.SecretPair{Inline: p[0], File: p[1]})
	}
	return r
}

// settings is the environment with the -config file's section under it,
// or nil when no file is given.
func (c *cli) settings(getenv func(string) string) (*envfile.Env, error) {
	if c.configFile == "" {
		if c.configSection != "" {
			return nil, fmt.Errorf("-config-section %q: give the file with -config", c.configSection)
		}
		return nil, nil
	}
	env, err := envfile.Load(c.configFile, c.configSection, settingsRules(), getenv)
	if err != nil {
		return nil, fmt.Errorf("-config: %v", err)
	}
	return env, nil
}

// secretOrigins tells each client whose secret the settings file gave
// where the person keeps it: the variable a ${NAME} reference named, or
// the path the file wrote. The run's reproduce commands read it from
// there, not from an AUTHCONFORM_* variable the shell does not have.
func secretOrigins(t *conform.Target, env *envfile.Env) {
	for _, s := range []struct {
		inline, file string
		client       *conform.Client
	}{
		{config.EnvIntegrationClientSecret, config.EnvIntegrationSecretFile, &t.Integration},
		{config.EnvSalesChannelClientSecret, config.EnvSalesChannelSecretFile, &t.SalesChannel},
		{config.EnvClientSecret, config.EnvClientSecretFile, &t.Client},
		{config.EnvBasicClientSecret, config.EnvBasicClientSecretFile, &t.BasicClient},
	} {
		if o, ok := env.Origin(s.inline); ok {
			s.client.SecretVar = o.Ref
		}
		if o, ok := env.Origin(s.file); ok && o.Ref != "" {
			s.client.SecretVar = o.Ref
		} else if ok {
			s.client.SecretPath = env.Getenv(s.file)
		}
	}
}
