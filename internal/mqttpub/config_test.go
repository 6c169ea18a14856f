package mqttpub

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fileio"
)

func TestParseBroker(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"tcp://127.0.0.1", "tcp://127.0.0.1:1883", ""},
		{"tcp://broker.lan:1884", "tcp://broker.lan:1884", ""},
		{"ssl://broker.lan", "ssl://broker.lan:8883", ""},
		{"tcp://[::1]:1883/", "tcp://[::1]:1883", ""},
		{"", "", "no broker"},
		{"127.0.0.1:1883", "", `has no scheme: want tcp://HOST:1883`},
		{"mqtt://h", "", `scheme "mqtt" is not`},
		{"ws://h:80", "", `scheme "ws" is not`},
		{"tcp://user:secret@h", "", "holds a password; give it in a file or an environment variable"},
		{"tcp://user@h", "", "holds a user name"},
		{"tcp://:1883", "", "has no host"},
		{"tcp://h/topic", "", "only scheme://host:port"},
		{"tcp://h?x=1", "", "only scheme://host:port"},
	} {
		got, err := ParseBroker(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("ParseBroker(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseBroker(%q) = %q, %v; want an error containing %q", tc.in, got, err, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseBroker(%q): the error shows the password: %v", tc.in, err)
		}
	}
}

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{
		"raspberrypi":         "raspberrypi",
		"Front-Door.local":    "front-door",
		"cam_2.example.org":   "cam_2",
		" pi 4 ":              "pi_4",
		"caméra+#/x":          "cam_ra___x",
		"":                    "edgecam",
		".hidden":             "edgecam",
		"UPPER_and-lower-123": "upper_and-lower-123",
	} {
		if got := SanitizeName(in); got != want {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"cat":              "cat",
		"tabby, tabby cat": "tabby_tabby_cat",
		"Person":           "person",
		" -- ":             "",
		"281":              "281",
	} {
		if got := labelSlug(in); got != want {
			t.Errorf("labelSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ok := Config{Broker: "tcp://127.0.0.1:1", Name: "cam", Labels: []string{"cat"}}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Name = "front door" }, `name "front door" may hold only letters, digits, _ and - (try "front_door")`},
		{func(c *Config) { c.Name = "a/b" }, `(try "a_b")`},
		{func(c *Config) { c.Broker = "" }, "no broker"},
		{func(c *Config) { c.Interval = -1 }, "interval -1ns is negative"},
		{func(c *Config) { c.EventQueue = -5 }, "event queue -5 is negative"},
		{func(c *Config) { c.KeepAlive = 10 }, "keep-alive 10ns is under a second"},
		{func(c *Config) { c.DiscoveryPrefix = "home/assistant" }, "discovery prefix"},
		{func(c *Config) { c.Password = "x" }, "a password without a user name"},
		{func(c *Config) { c.Labels = []string{"Tabby cat", "tabby-cat"} }, `watched labels "Tabby cat" and "tabby-cat" share the topic name "tabby_cat"`},
		{func(c *Config) { c.Labels = []string{"***"} }, `watched label "***" has no letters or digits`},
	} {
		cfg := ok
		tc.edit(&cfg)
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New with %+v: %v, want an error containing %q", cfg, err, tc.want)
		}
	}
	cfg, err := Config{Broker: "tcp://127.0.0.1"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if cfg.Name != SanitizeName(host) || cfg.Interval != DefaultInterval || cfg.EventQueue != DefaultEventQueue || cfg.DiscoveryPrefix != "homeassistant" {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestPasswordSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for content, want := range map[string]string{
		"s3cret\n":       "s3cret",
		"s3cret":         "s3cret",
		"s3cret\r\n":     "s3cret",
		" spaced pass\n": " spaced pass",
		"two\nlines\n":   "two\nlines",
	} {
		got, err := ReadPasswordFile(write("pw", content))
		if err != nil || got != want {
			t.Errorf("password file %q: %q, %v; want %q", content, got, err, want)
		}
	}
	if _, err := ReadPasswordFile(write("empty", "\n")); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Errorf("empty password file: %v", err)
	}
	if _, err := ReadPasswordFile(write("big", strings.Repeat("x", 5000))); !errors.Is(err, fileio.ErrTooLarge) {
		t.Errorf("5000-byte password file: %v, want ErrTooLarge", err)
	}
	if _, err := ReadPasswordFile(dir); !errors.Is(err, fileio.ErrNotRegular) {
		t.Errorf("directory as password file: %v, want ErrNotRegular", err)
	}
	if _, err := ReadPasswordFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "mqtt password file") {
		t.Errorf("missing password file: %v", err)
	}

	t.Setenv("EDGECAM_TEST_MQTT_PW", "from-env")
	if got, err := PasswordFromEnv("EDGECAM_TEST_MQTT_PW"); err != nil || got != "from-env" {
		t.Errorf("PasswordFromEnv = %q, %v", got, err)
	}
	t.Setenv("EDGECAM_TEST_MQTT_EMPTY", "")
	if _, err := PasswordFromEnv("EDGECAM_TEST_MQTT_EMPTY"); err == nil || !strings.Contains(err.Error(), "EDGECAM_TEST_MQTT_EMPTY is empty") {
		t.Errorf("empty variable: %v", err)
	}
	if _, err := PasswordFromEnv("EDGECAM_TEST_MQTT_UNSET_VARIABLE"); err == nil || !strings.Contains(err.Error(), "EDGECAM_TEST_MQTT_UNSET_VARIABLE is not set") {
		t.Errorf("unset variable: %v", err)
	}
}
