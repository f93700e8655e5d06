package httpclient

import "net/http"

// newTransport builds the client's transport from the default one, which
// keeps ProxyFromEnvironment.
func newTransport(opts Options) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = opts.TLSConfig
	tr.ResponseHeaderTimeout = opts.Timeout
	return tr
}
