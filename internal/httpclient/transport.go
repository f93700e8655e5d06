package httpclient

import "net/http"

// newTransport builds the client's transport from the default one, which
// keeps ProxyFromEnvironment.
func newTransport(opts Options) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = opts.TLSConfig
	tr.ResponseHeaderTimeout = opts.Timeout
	// Read up to MaxHeaderRead so that a large header is received and then
	// cut (see capHeader) rather than failing the request; past it the
	// answer is a transport failure.
	tr.MaxResponseHeaderBytes = MaxHeaderRead
	return tr
}
