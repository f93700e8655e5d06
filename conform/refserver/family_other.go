//go:build !unix

package refserver

import "net"

// ipv6Only cannot read the socket option here; Go listens dual-stack on a
// wildcard IPv6 address wherever the system maps IPv4 into IPv6.
func ipv6Only(net.Listener) (v6only, known bool) { return false, false }
