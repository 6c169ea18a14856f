package mqttpub

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/edgecam/edgecam/internal/fileio"
)

// Defaults for the zero values of Config.
const (
	DefaultInterval             = time.Second
	DefaultEventQueue           = 1000 // events held while the broker is away
	DefaultDiscoveryPrefix      = "homeassistant"
	DefaultConnectRetryInterval = 5 * time.Second
	DefaultMaxReconnectInterval = time.Minute
	DefaultPublishTimeout       = 10 * time.Second
	DefaultKeepAlive            = 30 * time.Second
)

// Config says where to publish and what.
type Config struct {
	// Broker is tcp://HOST[:PORT] (default port 1883) or ssl://HOST[:PORT]
	// (8883). A password in the URL is refused.
	Broker string
	// Name is the camera's name in topics and Home Assistant ids: letters,
	// digits, _ and -. Empty means the host name, sanitized (SanitizeName).
	Name string
	// User and Password authenticate to the broker (both optional).
	User, Password string
	// TLS is used for ssl:// brokers; nil means the system's roots.
	TLS *tls.Config

	// Labels are the watched labels, one binary_sensor each; events carry
	// them by name (events.Event.Label).
	Labels []string

	Interval             time.Duration // least time between two state messages; 0: DefaultInterval
	EventQueue           int           // events held while the broker is away; 0: DefaultEventQueue
	DiscoveryPrefix      string        // "": DefaultDiscoveryPrefix
	ConnectRetryInterval time.Duration // between first connection attempts; 0: DefaultConnectRetryInterval
	MaxReconnectInterval time.Duration // backoff cap after a lost connection; 0: DefaultMaxReconnectInterval
	PublishTimeout       time.Duration // wait for a broker acknowledgement; 0: DefaultPublishTimeout
	KeepAlive            time.Duration // MQTT keep-alive; 0: DefaultKeepAlive

	// Model and Version describe the device in Home Assistant (model, e.g.
	// the board; software version of edgecam). Both optional.
	Model, Version string

	Logger *slog.Logger // nil: no logging
}

// withDefaults returns cfg with its zero values filled in and checks it.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Interval == 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.EventQueue == 0 {
		cfg.EventQueue = DefaultEventQueue
	}
	if cfg.DiscoveryPrefix == "" {
		cfg.DiscoveryPrefix = DefaultDiscoveryPrefix
	}
	if cfg.ConnectRetryInterval == 0 {
		cfg.ConnectRetryInterval = DefaultConnectRetryInterval
	}
	if cfg.MaxReconnectInterval == 0 {
		cfg.MaxReconnectInterval = DefaultMaxReconnectInterval
	}
	if cfg.PublishTimeout == 0 {
		cfg.PublishTimeout = DefaultPublishTimeout
	}
	if cfg.KeepAlive == 0 {
		cfg.KeepAlive = DefaultKeepAlive
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"interval", cfg.Interval}, {"connect retry interval", cfg.ConnectRetryInterval},
		{"max reconnect interval", cfg.MaxReconnectInterval}, {"publish timeout", cfg.PublishTimeout},
	} {
		if d.v < 0 {
			return cfg, fmt.Errorf("mqtt: %s %v is negative", d.name, d.v)
		}
	}
	if cfg.KeepAlive < time.Second {
		return cfg, fmt.Errorf("mqtt: keep-alive %v is under a second", cfg.KeepAlive)
	}
	if cfg.EventQueue < 0 {
		return cfg, fmt.Errorf("mqtt: event queue %d is negative", cfg.EventQueue)
	}
	broker, err := ParseBroker(cfg.Broker)
	if err != nil {
		return cfg, err
	}
	cfg.Broker = broker
	if cfg.Name == "" {
		host, err := os.Hostname()
		if err != nil {
			return cfg, fmt.Errorf("mqtt: no -mqtt-name and no host name: %w", err)
		}
		cfg.Name = SanitizeName(host)
	} else if s := SanitizeName(cfg.Name); s != cfg.Name {
		return cfg, fmt.Errorf("mqtt: name %q may hold only letters, digits, _ and - (try %q)", cfg.Name, s)
	}
	if !validTopicLevel(cfg.DiscoveryPrefix) {
		return cfg, fmt.Errorf("mqtt: discovery prefix %q is not a plain topic level", cfg.DiscoveryPrefix)
	}
	if cfg.Password != "" && cfg.User == "" {
		return cfg, errors.New("mqtt: a password without a user name")
	}
	return cfg, nil
}

// ParseBroker checks a broker URL and returns it with the default port
// added: tcp://HOST[:PORT] (1883) or ssl://HOST[:PORT] (8883).
func ParseBroker(s string) (string, error) {
	if s == "" {
		return "", errors.New("mqtt: no broker (tcp://HOST:1883 or ssl://HOST:8883)")
	}
	if !strings.Contains(s, "://") {
		return "", fmt.Errorf("mqtt: broker %q has no scheme: want tcp://HOST:1883 or ssl://HOST:8883", s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("mqtt: broker %q: %w", s, err)
	}
	port := map[string]string{"tcp": "1883", "ssl": "8883"}[u.Scheme]
	if port == "" {
		return "", fmt.Errorf("mqtt: broker %q: scheme %q is not tcp:// or ssl://", s, u.Scheme)
	}
	if _, ok := u.User.Password(); ok {
		return "", fmt.Errorf("mqtt: broker %q holds a password; give it in a file or an environment variable", redact(u))
	}
	if u.User != nil {
		return "", fmt.Errorf("mqtt: broker %q holds a user name; give it as the user option", s)
	}
	if u.Hostname() == "" {
		return "", fmt.Errorf("mqtt: broker %q has no host", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("mqtt: broker %q: only scheme://host:port is allowed", s)
	}
	if u.Port() != "" {
		port = u.Port()
	}
	return u.Scheme + "://" + net.JoinHostPort(u.Hostname(), port), nil
}

func redact(u *url.URL) string {
	c := *u
	c.User = url.User(u.User.Username())
	return c.String() + " (password removed)"
}

// SanitizeName turns a host name into a camera name: its first DNS label,
// in lower case, with anything but letters, digits, _ and - turned into _;
// "edgecam" when nothing is left.
func SanitizeName(host string) string {
	host, _, _ = strings.Cut(strings.TrimSpace(host), ".")
	var b strings.Builder
	for _, r := range strings.ToLower(host) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "edgecam"
	}
	return b.String()
}

// labelSlug is a watched label's form in topics and ids: lower-case letters
// and digits, other runs as one _.
func labelSlug(label string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(label) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimRight(b.String(), "_")
}

// validTopicLevel reports whether s is one non-empty topic level without
// wildcards or separators.
func validTopicLevel(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/+#\x00")
}

// maxPasswordBytes bounds a password file.
const maxPasswordBytes = 4096

// ReadPasswordFile reads the broker password from a file: the whole file
// less one trailing line break. The file must be a regular file of at most
// 4 KiB and not empty.
func ReadPasswordFile(path string) (string, error) {
	b, err := fileio.ReadFile(path, "mqtt password file", maxPasswordBytes)
	if err != nil {
		return "", err
	}
	p := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if p == "" {
		return "", fmt.Errorf("mqtt password file %s is empty", path)
	}
	return p, nil
}

// PasswordFromEnv reads the broker password from the environment variable
// name; an unset or empty variable is an error naming it.
func PasswordFromEnv(name string) (string, error) {
	p, ok := os.LookupEnv(name)
	if !ok {
		return "", fmt.Errorf("mqtt password: environment variable %s is not set", name)
	}
	if p == "" {
		return "", fmt.Errorf("mqtt password: environment variable %s is empty", name)
	}
	return p, nil
}
