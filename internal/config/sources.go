package config

// secretHolder is a client of the target and the variables its secret is
// read from.
type secretHolder struct {
	client *Client
	vars   secretVars
}

// secretHolders are the target's clients that may have a secret, the
// profile's own first.
func (t *Target) secretHolders() []secretHolder {
	cl := []secretHolder{
		{&t.Integration, integrationSecretVars},
		{&t.SalesChannel, salesChannelSecretVars},
		{&t.Client, clientSecretVars},
		{&t.BasicClient, basicClientSecretVars},
		{&t.Webapp, webappSecretVars},
	}
	if t.Profile.Name == RFC6749.Name {
		cl = []secretHolder{cl[2], cl[3], cl[0], cl[1], cl[4]}
	}
	return cl
}

// SecretSource is a configured secret and the variable a person sets to
// give it again.
type SecretSource struct {
	Secret string
	// Var is the variable that holds the secret, or with File the path of
	// a file holding it (a *_FILE variable).
	Var  string
	File bool
	// Path is, when no variable holds it, the path of the file the secret
	// was read from (a settings file named it); Var is then "".
	Path string
}

// SecretSources lists each configured secret with the variable it was read
// from, the profile's own clients first and the customer's password last: where two clients share a secret,
// it is named by the variable the profile reads. A secret set in Go, not
// read from the environment, is named by the variable that would hold it.
func (t Target) SecretSources() []SecretSource {
	var out []SecretSource
	for _, h := range t.secretHolders() {
		if h.client.Secret == "" {
			continue
		}
		s := SecretSource{Secret: h.client.Secret, Var: h.vars.inline}
		if h.client.SecretFromFile {
			s.Var, s.File = h.vars.file, true
		}
		switch c := h.client; {
		case c.SecretFromFile && c.SecretPath != "":
			s.Var, s.File, s.Path = "", false, c.SecretPath
		case c.SecretVar != "":
			s.Var = c.SecretVar
		}
		out = append(out, s)
	}
	if t.AuthorizationCode != "" {
		out = append(out, SecretSource{Secret: string(t.AuthorizationCode), Var: EnvAuthorizationCode})
	}
	if s, ok := t.customerSource(); ok {
		out = append(out, s)
	}
	return out
}
