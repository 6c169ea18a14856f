package mqttpub

import (
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// gate is a loopback TCP relay in front of the broker for the publisher
// under test. Closed, it does not listen, so the publisher's connections are
// refused exactly as when no broker runs; open, it relays bytes both ways.
// It lets a test decide when the publisher can reach a restarted broker:
// only after the test's own subscriber is back, so that nothing published
// in between goes unseen.
type gate struct {
	t        *testing.T
	addr     string        // 127.0.0.1:PORT the publisher dials
	upstream string        // the broker's host:port
	delay    time.Duration // added before relaying each chunk: a slow link

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newGate(t *testing.T, b *broker) *gate {
	g := &gate{t: t, addr: "127.0.0.1:" + strconv.Itoa(freePort(t)), upstream: "127.0.0.1:" + strconv.Itoa(b.port), conns: map[net.Conn]bool{}}
	t.Cleanup(g.close)
	return g
}

func (g *gate) url() string { return "tcp://" + g.addr }

// open starts listening (again) on the gate's port.
func (g *gate) open() {
	g.t.Helper()
	var ln net.Listener
	var err error
	deadline := time.Now().Add(waitTime)
	for {
		if ln, err = net.Listen("tcp", g.addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("gate: listen on %s: %v", g.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	g.mu.Lock()
	g.ln = ln
	g.mu.Unlock()
	go g.accept(ln)
}

func (g *gate) accept(ln net.Listener) {
	for {
		down, err := ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", g.upstream)
		if err != nil {
			down.Close()
			continue
		}
		g.mu.Lock()
		if g.ln != ln { // closed meanwhile
			g.mu.Unlock()
			down.Close()
			up.Close()
			return
		}
		g.conns[down], g.conns[up] = true, true
		g.mu.Unlock()
		go g.pipe(down, up)
		go g.pipe(up, down)
	}
}

// pipe copies src to dst; when either side ends, both are closed, so a
// broker that dies drops the publisher's connection too.
func (g *gate) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			time.Sleep(g.delay)
			if _, werr := dst.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	g.mu.Lock()
	delete(g.conns, dst)
	delete(g.conns, src)
	g.mu.Unlock()
}

// close stops listening and drops the relayed connections.
func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ln != nil {
		g.ln.Close()
		g.ln = nil
	}
	for c := range g.conns {
		c.Close()
	}
}
