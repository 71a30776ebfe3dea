// Package loadgen measures failgraph under load on this machine, against the floor of a bare Go
// HTTP handler loaded the same way, and with an abusive client running alongside.
//
// Run starts, on loopback ports, a bare net/http handler answering a canned JSON body and (unless
// Options.Target names a running one) the failgraph handler it is given, then runs three
// phases of the same length with the same number of closed-loop clients: the bare floor, failgraph
// with a realistic query mix, and failgraph with the same mix while abusive clients send queries the
// limits must refuse. It reports requests, errors, throughput, latency percentiles and the
// server's memory sampled from its /metrics. Everything is bounded: loopback addresses only, a
// capped duration, a capped number of requests per phase, and it stops by itself.
package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/server"
)

// Bounds of Options.
const (
	MaxDuration    = 5 * time.Minute
	MaxClients     = 256
	MaxRequestsCap = 10_000_000
)

// Options say how hard and how long to load. Zero values take the defaults of DefaultOptions.
type Options struct {
	// Duration is how long each phase is measured (at most MaxDuration).
	Duration time.Duration
	// Warmup is how long each phase runs before it is measured.
	Warmup time.Duration
	// Clients is the number of concurrent normal clients, each sending its next request when the
	// last one is answered.
	Clients int
	// Abusers is the number of concurrent abusive clients of the abuse phase; 0 skips the phase.
	Abusers int
	// MaxRequests ends a phase early once its clients have sent this many measured requests.
	MaxRequests int
	// Target is the base URL of a failgraph server to load, on a loopback address; empty serves
	// Handler on a loopback port of this process.
	Target string
	// Handler is a failgraph server in this process (server.New over a store), loaded when Target
	// is empty. The caller builds it: wiring stores and servers is cmd's job.
	Handler http.Handler
	// Graph is the graph the server serves: the query mix asks about its nodes. Required.
	Graph *kg.Graph
	// Progress, when set, receives a line as each phase starts.
	Progress io.Writer
}

// DefaultOptions are the options of the recorded run: 30 s phases, 8 clients and as many abusers.
func DefaultOptions() Options {
	return Options{
		Duration:    30 * time.Second,
		Warmup:      3 * time.Second,
		Clients:     8,
		Abusers:     8,
		MaxRequests: 5_000_000,
	}
}

func (o Options) check() (Options, error) {
	d := DefaultOptions()
	if o.Duration <= 0 {
		o.Duration = d.Duration
	}
	if o.Warmup < 0 {
		o.Warmup = 0
	}
	if o.Clients <= 0 {
		o.Clients = d.Clients
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = d.MaxRequests
	}
	switch {
	case o.Duration > MaxDuration:
		return o, fmt.Errorf("duration %v: at most %v", o.Duration, MaxDuration)
	case o.Clients > MaxClients || o.Abusers > MaxClients || o.Abusers < 0:
		return o, fmt.Errorf("clients %d and abusers %d: at most %d each", o.Clients, o.Abusers, MaxClients)
	case o.MaxRequests > MaxRequestsCap:
		return o, fmt.Errorf("max requests %d: at most %d", o.MaxRequests, MaxRequestsCap)
	}
	if o.Target != "" {
		if err := checkLoopback(o.Target); err != nil {
			return o, err
		}
	} else if o.Handler == nil {
		return o, errors.New("neither a target nor a handler to load")
	}
	if o.Graph == nil {
		return o, errors.New("no graph to choose the queries' ids from")
	}
	return o, nil
}

// checkLoopback refuses a target that is not on a loopback address.
func checkLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("target %q: want http://HOST:PORT", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("target %q: the load generator only loads loopback addresses", target)
}

// Stats describe the requests of one kind of client in one phase.
type Stats struct {
	Requests   int64            // measured requests
	Errors     int64            // of a normal client: answers that are not 200 with data and no errors
	Codes      map[string]int64 // of an abusive client: answers by "STATUS CODE"
	FirstError string           // the first error seen, for the report
	Elapsed    time.Duration
	P50        time.Duration
	P90        time.Duration
	P99        time.Duration
	Max        time.Duration
}

// Throughput is the measured requests per second.
func (s Stats) Throughput() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Elapsed.Seconds()
}

// Memory is the server's memory sampled over a phase.
type Memory struct {
	Samples                   int
	RSSFirst, RSSLast, RSSMax float64 // process_resident_memory_bytes
	HeapFirst, HeapLast       float64 // go_memstats_heap_inuse_bytes
	HeapMin, HeapMax          float64
}

// CPU is how busy the machine's CPUs were over a phase, in CPUs (2 is both of two CPUs all the
// time): this process (the clients, and the server when it runs in process) and every other
// process. Others' share disturbs the measure; the report says so.
type CPU struct {
	Self, Others float64
}

// Phase is one measured phase.
type Phase struct {
	Name   string
	Normal Stats
	Abuse  *Stats  // the abuse phase only
	Memory *Memory // failgraph phases only
	CPU    *CPU    // where /proc can tell
}

// Report is the outcome of Run.
type Report struct {
	Options    Options
	GOMAXPROCS int
	NumCPU     int
	Phases     []Phase
}

// Run runs the phases and returns the report; it stops early, with what it has, when ctx ends.
func Run(ctx context.Context, opts Options) (*Report, error) {
	opts, err := opts.check()
	if err != nil {
		return nil, err
	}
	mix, err := normalMix(opts.Graph)
	if err != nil {
		return nil, err
	}

	bare, stopBare, err := listen(bareHandler())
	if err != nil {
		return nil, err
	}
	defer stopBare()
	target := strings.TrimSuffix(opts.Target, "/")
	if target == "" {
		var stop func()
		if target, stop, err = listen(opts.Handler); err != nil {
			return nil, err
		}
		defer stop()
	}

	rep := &Report{Options: opts, GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU()}
	phases := []struct {
		name    string
		base    string
		abusers int
		memory  bool
	}{
		{"bare net/http", bare, 0, false},
		{"failgraph", target, 0, true},
		{"failgraph + abuser", target, opts.Abusers, true},
	}
	for _, p := range phases {
		if p.name == "failgraph + abuser" && opts.Abusers == 0 {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "phase %s: %d clients, %d abusers, %v warm-up, %v measured\n",
				p.name, opts.Clients, p.abusers, opts.Warmup, opts.Duration)
		}
		rep.Phases = append(rep.Phases, runPhase(ctx, opts, p.name, p.base, mix, p.abusers, p.memory))
	}
	return rep, nil
}

// bareBody is what the bare handler answers: a GraphQL-shaped body of a typical small answer.
var bareBody = []byte(`{"data":{"node":{"id":"poisoning","kind":"FAILURE_MODE","name":"Poisoning attack","summary":"Training data is contaminated so that the learned model misbehaves."}}}`)

// bareHandler reads the request body and answers bareBody: the floor of any Go HTTP service here.
func bareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(bareBody)
	})
}

// listen serves h on a free loopback port.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// recorder collects the measured latencies of one kind of client.
type recorder struct {
	mu         sync.Mutex
	latencies  []time.Duration  // guarded by mu
	errors     int64            // guarded by mu
	codes      map[string]int64 // guarded by mu
	firstError string           // guarded by mu
}

func (r *recorder) add(ls []time.Duration, errs int64, codes map[string]int64, first string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies = append(r.latencies, ls...)
	r.errors += errs
	for c, n := range codes {
		r.codes[c] += n
	}
	if r.firstError == "" {
		r.firstError = first
	}
}

func (r *recorder) stats(elapsed time.Duration) Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.Sort(r.latencies)
	s := Stats{Requests: int64(len(r.latencies)), Errors: r.errors, FirstError: r.firstError, Elapsed: elapsed}
	if len(r.codes) > 0 {
		s.Codes = r.codes
	}
	if n := len(r.latencies); n > 0 {
		q := func(p float64) time.Duration { return r.latencies[min(n-1, int(p*float64(n)))] }
		s.P50, s.P90, s.P99, s.Max = q(.50), q(.90), q(.99), r.latencies[n-1]
	}
	return s
}

// runPhase loads base with opts.Clients normal clients (and abusers abusive ones) for the warm-up,
// then measures for opts.Duration or until the normal clients have sent opts.MaxRequests measured
// requests (a few more may complete before they stop).
func runPhase(ctx context.Context, opts Options, name, base string, mix []request, abusers int, memory bool) Phase {
	client := &http.Client{
		Transport: &http.Transport{
			MaxIdleConns:        opts.Clients + abusers,
			MaxIdleConnsPerHost: opts.Clients + abusers,
			IdleConnTimeout:     time.Minute,
		},
		Timeout: time.Minute,
	}
	defer client.CloseIdleConnections()

	var (
		measuring atomic.Bool
		stop      atomic.Bool
		measured  atomic.Int64
		normal    = &recorder{codes: map[string]int64{}}
		abuse     = &recorder{codes: map[string]int64{}}
		wg        sync.WaitGroup
		done      = make(chan struct{}) // closed when the normal clients have sent quota requests
	)
	quota := int64(opts.MaxRequests)
	client1 := func(i int, reqs []request, rec *recorder, abusive bool) {
		defer wg.Done()
		var (
			ls    []time.Duration
			errs  int64
			codes = map[string]int64{}
			first string
		)
		defer func() { rec.add(ls, errs, codes, first) }()
		var buf []byte
		for k := i; !stop.Load() && ctx.Err() == nil; k++ {
			r := reqs[k%len(reqs)]
			buf = r.bodyFor(k*MaxClients+i, buf)
			on := measuring.Load()
			start := time.Now()
			status, body, err := post(ctx, client, base+server.PathGraphQL, buf)
			d := time.Since(start)
			if !on || !measuring.Load() {
				continue // the warm-up, or the phase ended while waiting
			}
			if !abusive {
				// Count against the quota first: on a busy machine the phase may take a while to
				// end after the quota is reached, and the requests past it are not measured.
				n := measured.Add(1)
				if n > quota {
					continue
				}
				if n == quota {
					close(done)
				}
			}
			ls = append(ls, d)
			switch {
			case abusive:
				codes[strconv.Itoa(status)+" "+errorCode(body)]++
			case err != nil || status != http.StatusOK || !isData(body):
				errs++
				if first == "" {
					first = fmt.Sprintf("%s: %d %v %.200s", r.name, status, err, body)
				}
			}
		}
	}

	for i := range opts.Clients {
		wg.Add(1)
		go client1(i, mix, normal, false)
	}
	bad := abusiveMix()
	for i := range abusers {
		wg.Add(1)
		go client1(i, bad, abuse, true)
	}

	var mem *Memory
	var memWG sync.WaitGroup
	memStop := make(chan struct{})
	if memory {
		mem = &Memory{}
		memWG.Add(1)
		go func() {
			defer memWG.Done()
			sampleMemory(base, mem, &measuring, memStop)
		}()
	}

	sleep(ctx, opts.Warmup)
	cpu0, cpuOK := readCPU()
	measuring.Store(true)
	start := time.Now()
	t := time.NewTimer(opts.Duration)
	select {
	case <-t.C:
	case <-done:
	case <-ctx.Done():
	}
	t.Stop()
	elapsed := time.Since(start)
	cpu1, cpuOK1 := readCPU()
	measuring.Store(false)
	stop.Store(true)
	wg.Wait()
	close(memStop)
	memWG.Wait()

	p := Phase{Name: name, Normal: normal.stats(elapsed), Memory: mem}
	if cpuOK && cpuOK1 {
		p.CPU = cpu1.since(cpu0, elapsed)
	}
	if abusers > 0 {
		s := abuse.stats(elapsed)
		p.Abuse = &s
	}
	return p
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// post sends body to url and returns the status and the answer.
func post(ctx context.Context, c *http.Client, url string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// isData reports whether a GraphQL answer has data and no errors: gqlgen writes "errors" first
// when there are any.
func isData(body []byte) bool {
	return bytes.HasPrefix(body, []byte(`{"data":`)) && !bytes.Contains(body, []byte(`"errors":[`))
}

// errorCode returns the first extensions.code of an answer, or "-".
func errorCode(body []byte) string {
	const key = `"code":"`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return "-"
	}
	rest := body[i+len(key):]
	if j := bytes.IndexByte(rest, '"'); j >= 0 {
		return string(rest[:j])
	}
	return "-"
}

// sampleMemory reads the server's memory from its /metrics twice a second while measuring.
func sampleMemory(base string, m *Memory, measuring *atomic.Bool, stop <-chan struct{}) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	c := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if !measuring.Load() {
			continue
		}
		rss, heap, err := scrapeMemory(c, base+server.PathMetrics)
		if err != nil {
			continue
		}
		if m.Samples == 0 {
			m.RSSFirst, m.HeapFirst, m.HeapMin = rss, heap, heap
		}
		m.Samples++
		m.RSSLast, m.HeapLast = rss, heap
		m.RSSMax = max(m.RSSMax, rss)
		m.HeapMin, m.HeapMax = min(m.HeapMin, heap), max(m.HeapMax, heap)
	}
}

func scrapeMemory(c *http.Client, url string) (rss, heap float64, err error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	found := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch name {
		case "process_resident_memory_bytes":
			rss, err = strconv.ParseFloat(value, 64)
			found++
		case "go_memstats_heap_inuse_bytes":
			heap, err = strconv.ParseFloat(value, 64)
			found++
		}
		if err != nil {
			return 0, 0, err
		}
	}
	if found < 2 {
		return 0, 0, errors.New("no memory metrics")
	}
	return rss, heap, sc.Err()
}

// Write prints the report as the table docs/BENCHMARKS.md records.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "GOMAXPROCS %d, %d CPUs; %d normal clients, %d abusers; %v measured per phase after %v warm-up\n\n",
		r.GOMAXPROCS, r.NumCPU, r.Options.Clients, r.Options.Abusers, r.Options.Duration, r.Options.Warmup)
	fmt.Fprintf(w, "| phase | requests | errors | req/s | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, p := range r.Phases {
		s := p.Normal
		fmt.Fprintf(w, "| %s | %d | %d | %.0f | %s | %s | %s | %s |\n", p.Name, s.Requests, s.Errors, s.Throughput(),
			ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max))
	}
	fmt.Fprintln(w)
	var bare, fg, ab *Phase
	for i := range r.Phases {
		switch r.Phases[i].Name {
		case "bare net/http":
			bare = &r.Phases[i]
		case "failgraph":
			fg = &r.Phases[i]
		case "failgraph + abuser":
			ab = &r.Phases[i]
		}
	}
	if bare != nil && fg != nil && fg.Normal.Requests > 0 && bare.Normal.P50 > 0 {
		fmt.Fprintf(w, "failgraph / bare floor: throughput %.1fx lower, p50 %.1fx, p99 %.1fx\n",
			bare.Normal.Throughput()/fg.Normal.Throughput(),
			float64(fg.Normal.P50)/float64(bare.Normal.P50), float64(fg.Normal.P99)/float64(bare.Normal.P99))
	}
	if fg != nil && ab != nil && fg.Normal.P99 > 0 {
		fmt.Fprintf(w, "normal client's p99: %s alone, %s beside the abuser (%.2fx; the bound is 2x)\n",
			ms(fg.Normal.P99), ms(ab.Normal.P99), float64(ab.Normal.P99)/float64(fg.Normal.P99))
	}
	for _, p := range r.Phases {
		if p.Abuse != nil {
			codes := make([]string, 0, len(p.Abuse.Codes))
			for c, n := range p.Abuse.Codes {
				codes = append(codes, fmt.Sprintf("%s ×%d", c, n))
			}
			slices.Sort(codes)
			fmt.Fprintf(w, "abuser: %d requests (%.0f/s), p50 %s, p99 %s; answers: %s\n", p.Abuse.Requests,
				p.Abuse.Throughput(), ms(p.Abuse.P50), ms(p.Abuse.P99), strings.Join(codes, ", "))
		}
	}
	for _, p := range r.Phases {
		if m := p.Memory; m != nil && m.Samples > 0 {
			fmt.Fprintf(w, "memory during %s (%d samples): RSS %s → %s (max %s); heap in use %s → %s (min %s, max %s)\n",
				p.Name, m.Samples, mib(m.RSSFirst), mib(m.RSSLast), mib(m.RSSMax),
				mib(m.HeapFirst), mib(m.HeapLast), mib(m.HeapMin), mib(m.HeapMax))
		}
	}
	self, others := "this process (clients and server)", "other processes"
	if r.Options.Target != "" {
		self, others = "this process (clients; the bare server)", "other processes (the target server among them)"
	}
	for _, p := range r.Phases {
		if c := p.CPU; c != nil {
			fmt.Fprintf(w, "CPU during %s: %s %.2f CPUs, %s %.2f CPUs\n", p.Name, self, c.Self, others, c.Others)
		}
	}
	for _, p := range r.Phases {
		if p.Normal.FirstError != "" {
			fmt.Fprintf(w, "first error during %s: %s\n", p.Name, p.Normal.FirstError)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }

// cpuSample is what /proc says of CPU time at one moment, in clock ticks.
type cpuSample struct {
	busy, total, self uint64
}

// readCPU reads the machine's busy and total CPU time from /proc/stat and this process's from
// /proc/self/stat; it reports false where they cannot be read.
func readCPU() (cpuSample, bool) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuSample{}, false
	}
	line, _, _ := strings.Cut(string(stat), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return cpuSample{}, false
	}
	var s cpuSample
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return cpuSample{}, false
		}
		s.total += n
		if i != 3 && i != 4 { // idle, iowait
			s.busy += n
		}
	}
	self, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return cpuSample{}, false
	}
	// The command may hold spaces: the fields of interest follow the last ')'.
	rest := string(self[bytes.LastIndexByte(self, ')')+1:])
	g := strings.Fields(rest)
	if len(g) < 13 {
		return cpuSample{}, false
	}
	utime, err1 := strconv.ParseUint(g[11], 10, 64)
	stime, err2 := strconv.ParseUint(g[12], 10, 64)
	if err1 != nil || err2 != nil {
		return cpuSample{}, false
	}
	s.self = utime + stime
	return s, true
}

// since returns the CPUs used between a and s over elapsed (clock ticks are 1/100 s on Linux).
func (s cpuSample) since(a cpuSample, elapsed time.Duration) *CPU {
	const hz = 100
	secs := elapsed.Seconds()
	if secs <= 0 {
		return nil
	}
	self := float64(s.self-a.self) / hz / secs
	busy := float64(s.busy-a.busy) / hz / secs
	return &CPU{Self: self, Others: max(0, busy-self)}
}
