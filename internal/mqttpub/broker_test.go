package mqttpub

import (
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// waitTime bounds every wait for the broker or a message: generous for a
// loaded machine, never a measure of speed.
const waitTime = 15 * time.Second

// broker is a Mosquitto process on a loopback port, started and killed by
// the test.
type broker struct {
	t                       *testing.T
	bin                     string
	dir                     string
	port, authPort, tlsPort int
	roots                   *x509.CertPool // trusts the TLS listener's certificate
	cmd                     *exec.Cmd
	exited                  chan struct{}
}

// mosquittoPath finds Debian's mosquitto, or skips the test (fails it when
// EDGECAM_REQUIRE_FIXTURES=1).
func mosquittoPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/mosquitto"); err == nil {
		return "/usr/sbin/mosquitto"
	}
	if p, err := exec.LookPath("mosquitto"); err == nil {
		return p
	}
	fixtures.Missing(t, "mosquitto broker (Debian package mosquitto)")
	return ""
}

// brokerOption adds a listener to a test broker.
type brokerOption func(b *broker) string

// newBroker writes a configuration listening on a free 127.0.0.1 port
// (anonymous, plain TCP) plus what opts add, and starts the broker. It keeps
// nothing on disk: a restarted broker has lost every retained message and
// session.
func newBroker(t *testing.T, opts ...brokerOption) *broker {
	t.Helper()
	b := &broker{t: t, bin: mosquittoPath(t), dir: t.TempDir(), port: freePort(t)}
	conf := fmt.Sprintf("per_listener_settings true\nlog_dest file %s\nlog_type all\n", filepath.Join(b.dir, "mosquitto.log"))
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		conf += "user root\n" // keep access to the test's private directory
	}
	conf += fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\n", b.port)
	for _, o := range opts {
		conf += o(b)
	}
	if err := os.WriteFile(filepath.Join(b.dir, "mosquitto.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.stop()
		if t.Failed() {
			out, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.out"))
			t.Logf("mosquitto output:\n%s\nmosquitto log (last 3000 bytes):\n%s", out, tail(b.log(), 3000))
		}
	})
	b.start()
	return b
}

// withPassword adds a listener (b.authPort) that takes only user with
// password, from a file made by mosquitto_passwd.
func withPassword(user, password string) brokerOption {
	return func(b *broker) string {
		b.authPort = freePort(b.t)
		file := filepath.Join(b.dir, "passwd")
		out, err := exec.Command("mosquitto_passwd", "-c", "-b", file, user, password).CombinedOutput()
		if err != nil {
			b.t.Fatalf("mosquitto_passwd: %v: %s", err, out)
		}
		return fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\n", b.authPort, file)
	}
}

// withTLS adds a TLS listener (b.tlsPort) with a self-signed certificate
// for 127.0.0.1, which b.roots trusts.
func withTLS() brokerOption {
	return func(b *broker) string {
		b.tlsPort = freePort(b.t)
		certFile, keyFile := filepath.Join(b.dir, "cert.pem"), filepath.Join(b.dir, "key.pem")
		b.roots = selfSignedCert(b.t, certFile, keyFile)
		return fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous true\ncertfile %s\nkeyfile %s\n", b.tlsPort, certFile, keyFile)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (b *broker) url() string { return "tcp://127.0.0.1:" + strconv.Itoa(b.port) }

// start runs mosquitto and waits until it accepts connections.
func (b *broker) start() {
	b.t.Helper()
	b.cmd = exec.Command(b.bin, "-c", filepath.Join(b.dir, "mosquitto.conf"))
	out, err := os.OpenFile(filepath.Join(b.dir, "mosquitto.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.t.Fatal(err)
	}
	defer out.Close()
	b.cmd.Stdout, b.cmd.Stderr = out, out
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	b.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { cmd.Wait(); close(exited) }(b.cmd, b.exited)
	deadline := time.Now().Add(waitTime)
	for {
		c, err := net.DialTimeout("tcp", b.url()[len("tcp://"):], time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-b.exited:
			b.t.Fatalf("mosquitto exited at start: %v", b.cmd.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("mosquitto does not accept connections on %s: %v", b.url(), err)
		}
	}
}

// kill ends the broker abruptly (SIGKILL): clients see their connections
// drop without a goodbye.
func (b *broker) kill() {
	b.t.Helper()
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGKILL)
	<-b.exited
	b.cmd = nil
}

func (b *broker) log() string {
	log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
	return string(log)
}

func (b *broker) stop() {
	if b.cmd != nil {
		b.cmd.Process.Signal(syscall.SIGKILL)
		<-b.exited
		b.cmd = nil
	}
}

// message is one message a subscriber received.
type message struct {
	topic, payload string
	retained       bool
	at             time.Time
}

// subscriber is an independent paho client recording what it receives.
type subscriber struct {
	t  *testing.T
	c  mqtt.Client
	mu sync.Mutex
	ms []message
}

// subscribe connects a recording client (clean or persistent session) and
// subscribes to filters with QoS 1.
func subscribe(t *testing.T, b *broker, id string, clean bool, filters ...string) *subscriber {
	t.Helper()
	s := &subscriber{t: t}
	o := mqtt.NewClientOptions().AddBroker(b.url()).SetClientID(id).SetCleanSession(clean).
		SetAutoReconnect(true).SetMaxReconnectInterval(300 * time.Millisecond).SetConnectTimeout(5 * time.Second)
	s.c = mqtt.NewClient(o)
	if tok := s.c.Connect(); !tok.WaitTimeout(waitTime) || tok.Error() != nil {
		t.Fatalf("subscriber %s: connect: %v", id, tok.Error())
	}
	f := map[string]byte{}
	for _, x := range filters {
		f[x] = 1
	}
	if tok := s.c.SubscribeMultiple(f, s.record); !tok.WaitTimeout(waitTime) || tok.Error() != nil {
		t.Fatalf("subscriber %s: subscribe: %v", id, tok.Error())
	}
	t.Cleanup(func() { s.c.Disconnect(100) })
	return s
}

func (s *subscriber) record(_ mqtt.Client, m mqtt.Message) {
	s.mu.Lock()
	s.ms = append(s.ms, message{m.Topic(), string(m.Payload()), m.Retained(), time.Now()})
	s.mu.Unlock()
}

// messages returns what was received so far, on topic if given.
func (s *subscriber) messages(topic string) []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []message
	for _, m := range s.ms {
		if topic == "" || m.topic == topic {
			out = append(out, m)
		}
	}
	return out
}

// waitFor polls until cond holds on the messages received, or fails.
func (s *subscriber) waitFor(what string, cond func([]message) bool) {
	s.t.Helper()
	deadline := time.Now().Add(waitTime)
	for !cond(s.messages("")) {
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, m := range s.messages("") {
				fmt.Fprintf(&b, "\n  %s retained=%v %s", m.topic, m.retained, tail(m.payload, 200))
			}
			s.t.Fatalf("no %s within %v; received:%s", what, waitTime, tail(b.String(), 6000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitUntil polls cond until it holds, or fails.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTime)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen within %v", what, waitTime)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
