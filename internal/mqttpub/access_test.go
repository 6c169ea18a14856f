package mqttpub

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// An ssl:// broker: the publisher connects when it trusts the broker's
// certificate, and never when it does not.
func TestTLSBroker(t *testing.T) {
	b := newBroker(t, withTLS())
	s := subscribe(t, b, "tls-test", true, "edgecam/#")
	url := "ssl://127.0.0.1:" + strconv.Itoa(b.tlsPort)
	p := newPublisher(t, url, Config{Name: "tlscam", Labels: []string{"cat"}, TLS: &tls.Config{RootCAs: b.roots, MinVersion: tls.VersionTLS12}})
	s.waitFor("online over TLS", func(ms []message) bool { return last(ms, "edgecam/tlscam/availability") == "online" })
	if c := p.Counters(); !c.Connected || c.Connects != 1 {
		t.Errorf("counters %+v", c)
	}

	untrusting := newPublisher(t, url, Config{Name: "untrusting", Labels: []string{"cat"}})
	waitUntil(t, "a failed TLS connection attempt", func() bool { return untrusting.Counters().ConnectFailures > 0 })
	if c := untrusting.Counters(); c.Connected || c.Connects != 0 || c.AvailabilityPublished != 0 {
		t.Errorf("a publisher not trusting the certificate connected: %+v", c)
	}
}

// A broker that wants a password: the publisher gets in with the one read
// from a file, and not with a wrong one.
func TestPasswordBroker(t *testing.T) {
	b := newBroker(t, withPassword("cam", "s3cret pass"))
	s := subscribe(t, b, "auth-test", true, "edgecam/#")
	url := "tcp://127.0.0.1:" + strconv.Itoa(b.authPort)
	file := filepath.Join(t.TempDir(), "mqtt-password")
	if err := os.WriteFile(file, []byte("s3cret pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pw, err := ReadPasswordFile(file)
	if err != nil {
		t.Fatal(err)
	}
	newPublisher(t, url, Config{Name: "authcam", Labels: []string{"cat"}, User: "cam", Password: pw})
	s.waitFor("online with the password", func(ms []message) bool { return last(ms, "edgecam/authcam/availability") == "online" })

	wrong := newPublisher(t, url, Config{Name: "wrongpw", Labels: []string{"cat"}, User: "cam", Password: "s3cret"})
	anon := newPublisher(t, url, Config{Name: "anon", Labels: []string{"cat"}})
	for _, p := range []*Publisher{wrong, anon} {
		waitUntil(t, "a refused connection of "+p.Name(), func() bool { return p.Counters().ConnectFailures > 0 })
		if c := p.Counters(); c.Connected || c.Connects != 0 {
			t.Errorf("%s connected without the right password: %+v", p.Name(), c)
		}
	}
}
