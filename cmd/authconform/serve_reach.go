package main

import (
	"fmt"
	"net"

	"github.com/authconform/authconform/conform/refserver"
)

// reachNote says exactly where a server started with -allow-remote
// listens, over which address families, and so who may connect: the flag
// allows a remote address, it does not make one.
func reachNote(srv *refserver.Server) string {
	host, _, _ := net.SplitHostPort(srv.Addr)
	ip := net.ParseIP(host)
	switch {
	case ip.IsLoopback():
		return fmt.Sprintf("listening on %s only (%s loopback): only this machine can connect; -allow-remote changes nothing for a loopback -addr", srv.Addr, srv.Families)
	case ip.IsUnspecified():
		tokens := "" // with a -domain or -issuer, tokens name that
		if srv.Issuer == "" {
			tokens = "; tokens name the host each request was sent to"
		}
		return fmt.Sprintf("listening on every %s address of this machine (%s): other machines may connect (-allow-remote)%s", srv.Families, srv.Addr, tokens)
	}
	return fmt.Sprintf("listening on %s only (%s): machines that can reach that address may connect (-allow-remote)", srv.Addr, srv.Families)
}
