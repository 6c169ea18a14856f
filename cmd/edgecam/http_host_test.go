package main

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/camera"
)

func TestHostAllowlist(t *testing.T) {
	a := newHostAllowlist("192.168.7.7:8080", []string{"cam.example", "Other.Example."})
	for host, want := range map[string]bool{
		"localhost":           true,
		"localhost:8080":      true,
		"LOCALHOST:1":         true,
		"localhost.":          true,
		"127.0.0.1":           true,
		"127.0.0.1:8080":      true,
		"[::1]":               true,
		"[::1]:8080":          true,
		"192.168.7.7:8080":    true, // the listen address
		"192.168.7.7":         true,
		"cam.example":         true, // -http-allow-host
		"cam.example:443":     true,
		"other.example":       true,
		"192.168.7.8:8080":    false,
		"evil.example":        false,
		"evil.example:8080":   false,
		"localhost.evil.test": false,
		"127.0.0.2":           false,
		"":                    false,
		"[::2]:8080":          false,
	} {
		if got := a.allows(host); got != want {
			t.Errorf("allows(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestParseAllowHosts(t *testing.T) {
	got, err := parseAllowHosts(" cam.local, 192.168.1.20:8080,,[fe80::1]:80 ")
	if err != nil || strings.Join(got, " ") != "cam.local 192.168.1.20 fe80::1" {
		t.Errorf("parseAllowHosts = %q, %v", got, err)
	}
	for _, bad := range []string{"a/b", "user@host", "*.example", "a b"} {
		if _, err := parseAllowHosts(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// testServer starts the live-view server alone on a loopback port.
func testServer(t *testing.T, cfg httpConfig) *httpServer {
	t.Helper()
	cfg.addr = "127.0.0.1:0"
	srv, err := startHTTP(cfg, &camera.Stats{}, newRunStats(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// TestHTTPRefusesForeignHost: a request naming another host (DNS
// rebinding) gets 421 with a short text body; localhost names and
// -http-allow-host names are served.
func TestHTTPRefusesForeignHost(t *testing.T) {
	srv := testServer(t, httpConfig{maxClients: 1, res: 8, allowHosts: []string{"cam.example"}})
	port := srv.Addr()[strings.LastIndex(srv.Addr(), ":"):]
	client := &http.Client{Timeout: 10 * time.Second}
	for host, want := range map[string]int{
		"127.0.0.1" + port:        200,
		"localhost" + port:        200,
		"localhost":               200,
		"[::1]" + port:            200,
		"cam.example" + port:      200,
		"cam.example":             200,
		"attacker.example" + port: http.StatusMisdirectedRequest,
		"attacker.example":        http.StatusMisdirectedRequest,
		"192.0.2.1" + port:        http.StatusMisdirectedRequest,
	} {
		for _, path := range []string{"/healthz", "/api/latest", "/snapshot.jpg", "/metrics"} {
			req, _ := http.NewRequest("GET", "http://"+srv.Addr()+path, nil)
			req.Host = host
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case want == 200 && resp.StatusCode == http.StatusMisdirectedRequest:
				t.Errorf("Host %q %s: refused", host, path)
			case want != 200 && (resp.StatusCode != want || string(body) != misdirectedBody || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain")):
				t.Errorf("Host %q %s: %d %q (%s), want %d with the short text body", host, path, resp.StatusCode, body, resp.Header.Get("Content-Type"), want)
			}
		}
	}
	// An HTTP/1.0 request without a Host header is refused too.
	c, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /healthz HTTP/1.0\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("no Host header: %v %v, want 421", resp, err)
	}
}
