package main

import (
	"net"
	"net/http"
	"strings"
)

// hostAllowlist holds the host names the live view answers to: the listen
// address, the localhost names and those given by -http-allow-host. Any
// other Host header is refused, so that a web page on another origin cannot
// read the camera through DNS rebinding (its requests carry the attacker's
// host name, which resolves to this machine but is not on the list).
type hostAllowlist map[string]bool

// localHostNames are always allowed: a browser on this machine.
var localHostNames = []string{"localhost", "127.0.0.1", "::1"}

// newHostAllowlist allows the host of the listen address (as given, after
// listenAddr), the localhost names and extra.
func newHostAllowlist(listen string, extra []string) hostAllowlist {
	a := hostAllowlist{}
	for _, h := range localHostNames {
		a[h] = true
	}
	if h := hostName(listen); h != "" {
		a[h] = true
	}
	for _, h := range extra {
		a[hostName(h)] = true
	}
	return a
}

// allows reports whether a request's Host header names this server. The
// port is not compared: names, not ports, are what rebinding forges.
func (a hostAllowlist) allows(host string) bool {
	h := hostName(host)
	return h != "" && a[h]
}

// hostName reduces a Host header or a host[:port] to the comparable name:
// port and IPv6 brackets removed, lower case, no trailing dot.
func hostName(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// parseAllowHosts parses -http-allow-host: comma-separated host names or IP
// addresses, each optionally with a port (which is ignored).
func parseAllowHosts(s string) ([]string, error) {
	var names []string
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		h := hostName(f)
		if h == "" || strings.ContainsAny(h, "/@ \t?#*") {
			return nil, usagef("run: -http-allow-host: %q is not a host name", f)
		}
		names = append(names, h)
	}
	return names, nil
}

// misdirectedBody is the whole answer to a request for another host.
const misdirectedBody = "misdirected request: this server does not answer to that Host (see edgecam run -http-allow-host)\n"

// checkHost answers 421 Misdirected Request to requests whose Host header is
// not on the list, and passes the others to next.
func (a hostAllowlist) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.allows(r.Host) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusMisdirectedRequest)
			w.Write([]byte(misdirectedBody))
			return
		}
		next.ServeHTTP(w, r)
	})
}
