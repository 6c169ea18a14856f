package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edgecam/edgecam/camera"
)

// httpServer serves the live page of `edgecam run -http`: the model input
// with its label drawn on it (per result, and as an MJPEG stream), the
// latest result, Prometheus metrics and a health check. Requests must name
// the server in their Host header (see hostAllowlist).
//
// There is one frame counter: the number of results, each result's "frame".
// Publish records a result's JSON, its picture and the count together, so
// /api/latest, /metrics' edgecam_frames_total and /snapshot.jpg agree at any
// moment, and the page shows a picture with the label of the same result.
type httpServer struct {
	srv     *http.Server
	ln      net.Listener
	cfg     httpConfig
	slots   chan struct{} // stream client cap
	preview *preview
	pstats  *camera.Stats
	rstats  *runStats
	log     *slog.Logger
	started time.Time
	done    chan struct{}

	streams     atomic.Uint64 // stream clients given a slot
	slowDropped atomic.Uint64 // stream clients dropped for not reading

	mu     sync.Mutex
	latest []byte // JSON of the latest result
	frames uint64 // its frame number: results so far
}

// httpConfig is what startHTTP needs; zero stream fields take the defaults.
type httpConfig struct {
	addr       string   // -http
	maxClients int      // -http-clients
	allowHosts []string // -http-allow-host, parsed
	res        int      // model input side: the preview's size
	// metrics, if not nil, writes more Prometheus metrics (events, MQTT,
	// snapshots) at the end of /metrics.
	metrics func(w io.Writer)

	// streamWriteTimeout bounds the time to write one stream frame; a
	// client that takes longer is dropped and its slot freed.
	streamWriteTimeout time.Duration
	// streamSendBuffer is the socket send buffer of a stream connection.
	// Kept small so that a client that stops reading fills it within a
	// frame or two and meets the write timeout, instead of parking
	// megabytes of frames in the kernel for a minute first.
	streamSendBuffer int
}

// Stream defaults (see httpConfig).
const (
	streamInterval            = 66 * time.Millisecond // caps the stream at about 15 fps
	defaultStreamWriteTimeout = 2 * time.Second
	defaultStreamSendBuffer   = 64 << 10
	// shutdownGrace bounds how long Close waits for requests in progress,
	// so that run ends within a second of an interrupt.
	shutdownGrace = 500 * time.Millisecond
)

// listenAddr puts a bare ":port" on the loopback interface. The port must be
// a number 0..65535 (0: any free port); a bad one is a usage error.
func listenAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", usagef("run: bad -http address %q: %v", addr, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(n, 10) != port {
		return "", usagef("run: bad -http address %q: port %q is not a number 0..65535", addr, port)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// connKey is the context key under which ConnContext stores the net.Conn.
type connKey struct{}

func startHTTP(cfg httpConfig, ps *camera.Stats, rs *runStats, log *slog.Logger) (*httpServer, error) {
	a, err := listenAddr(cfg.addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", a)
	if err != nil {
		return nil, fmt.Errorf("http: %w", err)
	}
	cfg.maxClients = max(cfg.maxClients, 1)
	if cfg.streamWriteTimeout <= 0 {
		cfg.streamWriteTimeout = defaultStreamWriteTimeout
	}
	if cfg.streamSendBuffer <= 0 {
		cfg.streamSendBuffer = defaultStreamSendBuffer
	}
	s := &httpServer{ln: ln, cfg: cfg, slots: make(chan struct{}, cfg.maxClients), preview: newPreview(cfg.res),
		pstats: ps, rstats: rs, log: log, started: time.Now(), done: make(chan struct{})}
	hosts := newHostAllowlist(a, cfg.allowHosts)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc("GET /stream.mjpg", s.handleStream)
	mux.HandleFunc("GET /snapshot.jpg", s.handleSnapshot)
	mux.HandleFunc("GET /api/latest", s.handleLatest)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	s.srv = &http.Server{
		Handler:           hosts.checkHost(mux),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second, // the stream extends its own deadline per part
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server stopped", "err", err)
		}
	}()
	return s, nil
}

// Addr is the address the server listens on.
func (s *httpServer) Addr() string { return s.ln.Addr().String() }

// Close stops streams and shuts the server down.
func (s *httpServer) Close() error {
	close(s.done)
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

// Publish records a result, its picture first so that a client that has
// read the result can fetch its picture; called from the inference
// goroutine.
func (s *httpServer) Publish(line *frameJSON, input []byte) {
	b, err := json.Marshal(line)
	if err != nil {
		s.log.Error("result not served", "frame", line.Frame, "err", err)
		return
	}
	s.preview.setResult(input, line) // label bar and detection boxes: http_boxes.go
	s.mu.Lock()
	s.latest, s.frames = b, line.Frame
	s.mu.Unlock()
}

// overlayText is the label drawn on a result's picture: the page shows the
// same words under it.
func overlayText(line *frameJSON) string {
	if len(line.Top) == 0 {
		return ""
	}
	t := line.Top[0]
	if !finite32(float32(t.Score)) {
		return t.Label + " (no score: NaN)"
	}
	return fmt.Sprintf("%s %.0f%%", t.Label, 100*t.Score)
}

func (s *httpServer) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, indexHTML)
}

func (s *httpServer) handleLatest(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b := s.latest
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if b == nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"error":"no result yet"}`)
		return
	}
	w.Write(append(b, '\n'))
}

func (s *httpServer) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintln(w, "ok")
}

// handleSnapshot serves the picture of the latest result, or with
// ?frame=N that of result N while it is among the last few (404 after),
// naming its frame in the X-Edgecam-Frame header.
func (s *httpServer) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	var jpg []byte
	var frame uint64
	if q := r.URL.Query().Get("frame"); q != "" {
		n, err := strconv.ParseUint(q, 10, 64)
		if err != nil || n == 0 {
			http.Error(w, "frame must be a result number, 1 or more", http.StatusBadRequest)
			return
		}
		if jpg, frame = s.preview.Frame(n), n; jpg == nil {
			http.Error(w, fmt.Sprintf("frame %d is not held (only the last %d are)", n, previewHistory), http.StatusNotFound)
			return
		}
	} else if jpg, frame = s.preview.JPEG(0); jpg == nil {
		http.Error(w, "no frame yet", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Edgecam-Frame", strconv.FormatUint(frame, 10))
	w.Write(jpg)
}

// handleStream serves multipart/x-mixed-replace JPEGs, one per new result,
// at most one per streamInterval, to at most cap(s.slots) clients. A client
// that does not take a frame within the write timeout is dropped, so
// clients that stop reading cannot hold the slots.
func (s *httpServer) handleStream(w http.ResponseWriter, r *http.Request) {
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		http.Error(w, "too many stream clients", http.StatusServiceUnavailable)
		return
	}
	s.streams.Add(1)
	if tc, ok := r.Context().Value(connKey{}).(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(s.cfg.streamSendBuffer)
	}
	const boundary = "edgecamframe"
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary="+boundary)
	w.Header().Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	var seen uint64
	tick := time.NewTicker(streamInterval)
	defer tick.Stop()
	var hdr bytes.Buffer
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-tick.C:
		}
		jpg, v := s.preview.JPEG(seen)
		if jpg == nil {
			continue
		}
		seen = v
		hdr.Reset()
		fmt.Fprintf(&hdr, "--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", boundary, len(jpg))
		deadline := time.Now().Add(s.cfg.streamWriteTimeout)
		if err := rc.SetWriteDeadline(deadline); err != nil {
			s.log.Debug("stream: cannot bound the write time", "err", err)
			return // never write without a bound
		}
		if err := writeStreamPart(w, rc, hdr.Bytes(), jpg); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) || !time.Now().Before(deadline) {
				s.slowDropped.Add(1)
				s.log.Info("dropped a stream client that stopped reading", "remote", r.RemoteAddr, "timeout", s.cfg.streamWriteTimeout)
			}
			return
		}
	}
}

// writeStreamPart writes one multipart part (header, JPEG, CRLF) and flushes it.
func writeStreamPart(w http.ResponseWriter, rc *http.ResponseController, hdr, jpg []byte) error {
	for _, b := range [][]byte{hdr, jpg, []byte("\r\n")} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return rc.Flush()
}

// handleMetrics writes Prometheus text exposition format.
func (s *httpServer) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b bytes.Buffer
	counter := func(name, help string, v uint64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	ps := s.pstats
	s.mu.Lock()
	frames := s.frames
	s.mu.Unlock()
	counter("edgecam_frames_total", "Frames inferred: the frame number of the latest result (/api/latest).", frames)
	counter("edgecam_frames_captured_total", "Frames received from the source.", ps.Captured.Load())
	fmt.Fprintf(&b, "# HELP edgecam_frames_dropped_total Captured frames not inferred.\n# TYPE edgecam_frames_dropped_total counter\n")
	fmt.Fprintf(&b, "edgecam_frames_dropped_total{reason=\"stale\"} %d\n", ps.Stale.Load())
	fmt.Fprintf(&b, "edgecam_frames_dropped_total{reason=\"bad\"} %d\n", ps.Bad.Load())
	counter("edgecam_frame_timeouts_total", "Source frame timeouts.", ps.Timeouts.Load())
	counter("edgecam_results_non_finite_total", "Frames inferred whose scores held NaN or Inf (bad results, written with null scores).", s.rstats.NonFinite())
	counter("edgecam_stream_clients_total", "Stream clients served.", s.streams.Load())
	counter("edgecam_stream_clients_dropped_total", "Stream clients dropped for not taking a frame within the write timeout.", s.slowDropped.Load())
	s.rstats.WriteHistogram(&b, "edgecam_latency_seconds")
	fmt.Fprintf(&b, "# HELP edgecam_uptime_seconds Seconds since the server started.\n# TYPE edgecam_uptime_seconds gauge\nedgecam_uptime_seconds %g\n", time.Since(s.started).Seconds())
	if t, ok := socTemperature(); ok {
		fmt.Fprintf(&b, "# HELP edgecam_soc_temperature_celsius SoC temperature.\n# TYPE edgecam_soc_temperature_celsius gauge\nedgecam_soc_temperature_celsius %g\n", t)
	}
	if s.cfg.metrics != nil {
		s.cfg.metrics(&b)
	}
	w.Write(b.Bytes())
}

// indexHTML is the live page. It polls /api/latest and, for each new
// result, loads that result's picture (/snapshot.jpg?frame=N); the picture,
// the label and the frame counter change together, once the picture has
// arrived, so what the page shows is always one result.
const indexHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>edgecam</title>
<style>body{font-family:sans-serif;background:#111;color:#eee;margin:1em}
img{image-rendering:pixelated;width:448px;height:448px;border:1px solid #444}
#label{font-size:1.4em;margin:.4em 0}</style></head>
<body><h1>edgecam</h1>
<img id="frame" alt="latest frame">
<div id="label">waiting for the first result</div>
<pre id="info"></pre>
<script>
let shown=0, loading=0;
function show(j){
  const pct=s=>s===null?' (no score: NaN)':' '+(100*s).toFixed(0)+'%';
  const t=j.top&&j.top[0];
  document.getElementById('label').textContent=j.detections?
    (j.detections.length?j.detections.map(d=>d.label+pct(d.score)).join(', '):'no detections'):
    (t?t.label+pct(t.score):'');
  document.getElementById('info').textContent='frame '+j.frame+'  seq '+j.seq+'  latency '+j.latency_ms.toFixed(1)+' ms  dropped '+j.dropped+(j.source?'  '+j.source:'');
}
async function poll(){
  try{
    const r=await fetch('/api/latest',{cache:'no-store'});
    if(r.ok){const j=await r.json();
      if(j.frame!==shown&&j.frame!==loading){
        loading=j.frame;
        const img=new Image();
        img.onload=()=>{if(j.frame>shown){shown=j.frame;document.getElementById('frame').src=img.src;show(j);}loading=0;};
        img.onerror=()=>{loading=0;};
        img.src='/snapshot.jpg?frame='+j.frame;
      }}
  }catch(e){}
  setTimeout(poll,200);
}
poll();
</script></body></html>
`
