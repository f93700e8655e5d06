// Package embedded describes the reference server as a target: its base URL
// plus the fixed clients and market it knows, as the suite's configuration.
//
// It is wiring between the judged (internal/refserver) and the judge's
// configuration (internal/config), so that neither imports the other and
// the CLI and every test point at the reference server the same way.
package embedded

import (
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/refserver"
)

// Target is the configuration of a reference server listening at url.
func Target(url string) config.Target {
	return config.Target{
		BaseURL:       url,
		TokenPath:     config.DefaultTokenPath,
		SalesChannel:  config.Client{ID: refserver.SalesChannelClientID, Secret: refserver.SalesChannelClientSecret, Lifetime: refserver.SalesChannelLifetime},
		MarketID:      refserver.MarketID,
		OtherMarketID: refserver.OtherMarketID,
		Integration: config.Client{
			ID:       refserver.IntegrationClientID,
			Secret:   refserver.IntegrationClientSecret,
			Lifetime: refserver.IntegrationLifetime,
		},
		ClockSkew:   config.DefaultClockSkew,
		RevokePath:  config.DefaultRevokePath,
		ResourceURL: url + refserver.ResourcePath,
		Profile:     config.CommerceLayer,
	}
}
