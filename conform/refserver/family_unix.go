//go:build unix

package refserver

import (
	"net"
	"syscall"
)

// ipv6Only reads whether an IPv6 socket refuses IPv4 (IPV6_V6ONLY); known
// is false when it cannot be read.
func ipv6Only(ln net.Listener) (v6only, known bool) {
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		return false, false
	}
	rc, err := tl.SyscallConn()
	if err != nil {
		return false, false
	}
	var v int
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		v, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY)
	}); err != nil || gerr != nil {
		return false, false
	}
	return v != 0, true
}
