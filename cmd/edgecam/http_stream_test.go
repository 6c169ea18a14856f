package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// publishNoise publishes frames of random pixels (large JPEGs, which fill
// socket buffers fast) until stop is closed.
func publishNoise(srv *httpServer, res int, stop <-chan struct{}) {
	r := rand.New(rand.NewPCG(1, 2))
	rgb := make([]byte, 3*res*res)
	for seq := uint64(1); ; seq++ {
		select {
		case <-stop:
			return
		default:
		}
		for i := range rgb {
			rgb[i] = byte(r.Uint32())
		}
		srv.Publish(&frameJSON{Seq: seq, Frame: seq}, rgb)
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHTTPStreamDropsStalledClients fills every stream slot with raw TCP
// clients that send a request and never read. Their writes stall, they are
// dropped when a frame takes longer than the write timeout, and a new
// client gets the stream. The loops are bounded; nothing asserts a time.
func TestHTTPStreamDropsStalledClients(t *testing.T) {
	const slots, res = 4, 128
	srv := testServer(t, httpConfig{maxClients: slots, res: res, streamWriteTimeout: 300 * time.Millisecond})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { publishNoise(srv, res, stop) })
	defer func() {
		close(stop)
		wg.Wait()
	}()

	for range slots {
		c, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	}
	// Wait until the stalled clients hold every slot.
	for attempt := 0; srv.streams.Load() < slots; attempt++ {
		if attempt == 2000 {
			t.Fatalf("%d of %d stalled clients were given a slot", srv.streams.Load(), slots)
		}
		time.Sleep(5 * time.Millisecond)
	}

	client := &http.Client{Timeout: 10 * time.Second}
	for attempt := 0; ; attempt++ {
		if attempt == 600 {
			t.Fatalf("no slot freed: %d clients dropped", srv.slowDropped.Load())
		}
		resp, err := client.Get("http://" + srv.Addr() + "/stream.mjpg")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			resp.Body.Close()
			time.Sleep(50 * time.Millisecond)
			continue
		}
		part := make([]byte, 256)
		n, err := io.ReadAtLeast(resp.Body, part, 64)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || !bytes.Contains(part[:n], []byte("Content-Type: image/jpeg")) {
			t.Fatalf("new client: %d %v %q", resp.StatusCode, err, part[:n])
		}
		break
	}
	// Every slot was held before the new client came: it was served because
	// stalled clients were dropped.
	if d := srv.slowDropped.Load(); d < 1 {
		t.Errorf("%d stalled clients dropped, want at least 1", d)
	}
}
