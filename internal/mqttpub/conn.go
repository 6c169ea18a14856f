package mqttpub

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"sync"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// connHolder opens the client's network connections (tcp:// and ssl://, in
// place of paho's own dialing) and keeps the latest, so that Close can drop
// it without an MQTT DISCONNECT: the broker then publishes the last will,
// "offline", which a DISCONNECT would cancel.
type connHolder struct {
	mu   sync.Mutex
	conn net.Conn
}

func (h *connHolder) open(uri *url.URL, o mqtt.ClientOptions) (net.Conn, error) {
	d := &net.Dialer{Timeout: o.ConnectTimeout}
	var c net.Conn
	var err error
	switch uri.Scheme {
	case "tcp":
		c, err = d.Dial("tcp", uri.Host)
	case "ssl":
		c, err = tls.DialWithDialer(d, "tcp", uri.Host, o.TLSConfig)
	default:
		err = fmt.Errorf("scheme %q is not tcp or ssl", uri.Scheme)
	}
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.conn = c
	h.mu.Unlock()
	return c, nil
}

// drop closes the latest connection abruptly.
func (h *connHolder) drop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conn != nil {
		h.conn.Close()
	}
}
