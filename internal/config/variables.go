package config

// Variables are the variables FromEnv reads, in the order -h lists them.
var Variables = []string{
	EnvTarget, EnvProfile, EnvTokenPath,
	EnvSalesChannelClientID, EnvSalesChannelClientSecret, EnvSalesChannelSecretFile,
	EnvMarketID, EnvOtherMarketID,
	EnvMarketCode, EnvStoreID, EnvStoreCode, EnvStockLocationID, EnvStockLocationCode,
	EnvIntegrationClientID, EnvIntegrationClientSecret, EnvIntegrationSecretFile,
	EnvSalesChannelExpiresIn, EnvIntegrationExpiresIn, EnvClockSkew,
	EnvIssuer, EnvJWKSURL, EnvRevokePath, EnvResourceURL,
	EnvClientID, EnvClientSecret, EnvClientSecretFile,
	EnvBasicClientID, EnvBasicClientSecret, EnvBasicClientSecretFile,
	EnvScope, EnvForbiddenScope, EnvExpiresIn,
	EnvWebappClientID, EnvWebappClientSecret, EnvWebappSecretFile, EnvWebappRedirectURI, EnvWebappExpiresIn,
	EnvAuthorizationCode, EnvAuthorizeURL, EnvCustomerID,
}

// SecretVariables are the pairs of variables that may hold a client's
// secret: the secret itself, and the path of a file holding it.
func SecretVariables() [][2]string {
	var out [][2]string
	for _, v := range []secretVars{integrationSecretVars, salesChannelSecretVars, clientSecretVars, basicClientSecretVars, webappSecretVars} {
		out = append(out, [2]string{v.inline, v.file})
	}
	return out
}
