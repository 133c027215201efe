// Command leakydemo models a tiny leaky service and writes the profiles
// bundled in testdata/profiles. See testdata/gen/README.md for how to run it.
//
// Each profile is written by a fresh child process (this program re-executes
// itself with -mode), so that no profile sees the allocations, goroutines or
// CPU time of another, and so that writing a profile never shows up in the
// next one. Heap figures are exact: MemProfileRate is 1 during the workload
// and automatic GC is off, so the only collections are the explicit
// runtime.GC() calls just before each heap profile is written.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"example.com/leakydemo/lru"
)

var (
	mode = flag.String("mode", "all", "all | heap | cpu | contention | goroutines")
	step = flag.Int("step", 0, "heap mode: profile after STEP+1 steps")
	what = flag.String("write", "heap", "heap mode: heap | heap-debug1 | allocs")
	out  = flag.String("out", ".", "directory to write the profiles to")
)

// Requests served per step of the heap workload.
const requestsPerStep = 100

var payload [1000]byte // a request body; static, so reading it allocates nothing

var sink int // defeats dead-code elimination

func main() {
	flag.Parse()
	var err error
	switch *mode {
	case "all":
		err = runAll()
	case "heap":
		err = runHeap(*step)
	case "cpu":
		err = runCPU()
	case "contention":
		err = runContention()
	case "goroutines":
		err = runGoroutines()
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "leakydemo:", err)
		os.Exit(1)
	}
}

// runAll re-executes this program once per profile.
func runAll() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	runs := [][]string{}
	for s := 0; s < 4; s++ {
		runs = append(runs, []string{"-mode=heap", fmt.Sprintf("-step=%d", s)})
	}
	// The same moment as heap_3.pb.gz: the workload is deterministic, so a
	// separate run reaches the same heap, without the first write's own
	// allocations showing up as empty records in the second.
	runs = append(runs,
		[]string{"-mode=heap", "-step=3", "-write=heap-debug1"},
		[]string{"-mode=heap", "-step=3", "-write=allocs"},
		[]string{"-mode=cpu"}, []string{"-mode=contention"}, []string{"-mode=goroutines"})
	for _, r := range runs {
		cmd := exec.Command(exe, append(r, "-out="+*out)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		procs := "4"
		if r[0] == "-mode=heap" {
			procs = "1" // fewer runtime threads and GC workers in the heap
		}
		cmd.Env = append(os.Environ(), "GOGC=off", "GOMAXPROCS="+procs)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %v", strings.Join(r, " "), err)
		}
	}
	return nil
}

// write writes profile name with the given debug level to file.
func write(name string, dbg int, file string) error {
	f, err := os.Create(filepath.Join(*out, file))
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, dbg); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ---- heap: one site grows, one stays flat, one is garbage ----

// Cache is the leak: it keeps every value ever stored.
type Cache struct {
	head *entry
	n    int
}

type entry struct {
	next *entry
	key  int
	val  []byte
}

// Store keeps a private copy of val, forever. The copy is made by a closure
// through bytes.Buffer, so the allocating frame is in the standard library
// while the first frame of ours is main.(*Cache).Store.func1.
func (c *Cache) Store(key int, val []byte) {
	keep := func(v []byte) []byte {
		var b bytes.Buffer
		b.Write(v)
		return b.Bytes()
	}
	c.head = &entry{next: c.head, key: key, val: keep(val)}
	c.n++
}

// Server is the demo service.
type Server struct {
	sessions Cache   // grows without bound
	recent   lru.LRU // bounded: flat once full
}

// handle serves one request.
func (s *Server) handle(req int) {
	s.sessions.Store(req, payload[:])
	s.recent.Put(payload[:100])
	sink += render(req)
}

// render builds a response and throws it away: pure garbage.
func render(req int) int {
	page := strings.Repeat("-", 2000)
	return len(page) + req
}

func runHeap(last int) error {
	// Open the output before profiling starts: anything allocated after
	// MemProfileRate is set but before the profile is taken would show up
	// as an empty (0: 0 [0: 0]) record.
	name, dbg, file := "heap", 0, fmt.Sprintf("heap_%d.pb.gz", last)
	switch *what {
	case "heap":
	case "heap-debug1":
		dbg, file = 1, fmt.Sprintf("heap_%d.debug1.txt", last)
	case "allocs":
		name, file = "allocs", fmt.Sprintf("allocs_%d.pb.gz", last)
	default:
		return fmt.Errorf("unknown -write %q", *what)
	}
	f, err := os.Create(filepath.Join(*out, file))
	if err != nil {
		return err
	}
	p := pprof.Lookup(name)

	debug.SetGCPercent(-1)
	runtime.MemProfileRate = 1
	s := new(Server)
	req := 0
	for st := 0; st <= last; st++ {
		for i := 0; i < requestsPerStep; i++ {
			s.handle(req)
			req++
		}
	}
	runtime.GC()
	// Writing allocates, but with automatic GC off none of that is
	// published. Only one profile is written per process, because the
	// next one would list the first one's allocations as empty records.
	err = p.WriteTo(f, dbg)
	runtime.KeepAlive(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ---- cpu ----

// mix is small enough to be inlined into hash, so its samples carry an
// inlined frame: go tool pprof prints it as "main.mix (inline)".
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	return x
}

//go:noinline
func hash(n int) uint64 {
	var h uint64
	for i := 0; i < n; i++ {
		h = mix(h + uint64(i))
	}
	return h
}

//go:noinline
func checksum(n int) uint64 {
	var s uint64
	for i := 0; i < n; i++ {
		s += uint64(i) * uint64(i) % 7
	}
	return s
}

// burn keeps one CPU busy for d, about two thirds in hash, one third in
// checksum.
func burn(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		sink += int(hash(200000))
		sink += int(checksum(100000))
	}
}

func runCPU() error {
	f, err := os.Create(filepath.Join(*out, "cpu.pb.gz"))
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	burn(time.Second)
	pprof.StopCPUProfile()
	return f.Close()
}

// ---- contention: mutex and block profiles ----

// Account is guarded by one mutex that every worker wants.
type Account struct {
	mu      sync.Mutex
	balance int
}

// Deposit holds the lock for about 100µs, long enough for others to queue.
func (a *Account) Deposit(n int) {
	a.mu.Lock()
	spin(100 * time.Microsecond)
	a.balance += n
	a.mu.Unlock()
}

func spin(d time.Duration) {
	t := time.Now().Add(d)
	for time.Now().Before(t) {
	}
}

func runContention() error {
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	var acct Account
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				acct.Deposit(1)
			}
		}()
	}
	// A hand-off over an unbuffered channel: blocks on send and receive.
	ch := make(chan int)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			time.Sleep(time.Millisecond)
			ch <- i
		}
		close(ch)
	}()
	for v := range ch {
		sink += v
	}
	wg.Wait()
	// Leave the rates set: pprof scales mutex figures by the current
	// fraction, so setting it back to 0 here would zero every sample.
	if err := write("mutex", 0, "mutex.pb.gz"); err != nil {
		return err
	}
	return write("block", 0, "block.pb.gz")
}

// ---- goroutines: a handful stuck in different states ----

var (
	jobs    = make(chan int) // never sent to
	events  = make(chan int) // never received from
	stop    = make(chan struct{})
	kick    = make(chan struct{})
	storeMu sync.Mutex // held by main while the dumps are written
	started sync.WaitGroup
)

// handleConn waits for a reply that never comes: the growing leak.
func handleConn(id int) {
	reply := make(chan string)
	started.Done()
	sink += len(<-reply) + id
}

// consume waits for jobs, labelled worker=consumer via pprof.Do.
func consume() {
	pprof.Do(context.Background(), pprof.Labels("worker", "consumer"), func(context.Context) {
		started.Done()
		sink += <-jobs
	})
}

func publish(e int) {
	started.Done()
	events <- e
}

func watchdog() {
	started.Done()
	select {
	case <-stop:
	case <-kick:
	}
}

func flush() {
	started.Done()
	storeMu.Lock()
	sink++
	storeMu.Unlock()
}

func ticker() {
	started.Done()
	time.Sleep(time.Hour)
}

func waitNil() {
	var never chan int
	started.Done()
	sink += <-never
}

func forever() {
	started.Done()
	select {}
}

// spawnHandlers starts n leaking handlers labelled handler=conn; the
// goroutines inherit the label set of the goroutine that creates them.
func spawnHandlers(first, n int) {
	pprof.Do(context.Background(), pprof.Labels("handler", "conn", "route", "/api/session"), func(context.Context) {
		for i := 0; i < n; i++ {
			started.Add(1)
			go handleConn(first + i)
		}
	})
	started.Wait()
}

func runGoroutines() error {
	storeMu.Lock()
	started.Add(2 + 2 + 6)
	go consume()
	go consume()
	go publish(1)
	go publish(2)
	go watchdog()
	go flush()
	go ticker()
	go waitNil()
	go forever()
	go forever()
	started.Wait()
	spawnHandlers(0, 3)
	settle()
	if err := write("goroutine", 2, "goroutine_0.debug2.txt"); err != nil {
		return err
	}
	spawnHandlers(3, 5)
	settle()
	for _, w := range []struct {
		dbg  int
		file string
	}{
		{2, "goroutine_1.debug2.txt"},
		{0, "goroutine.pb.gz"},
		{1, "goroutine.debug1.txt"},
		{2, "goroutine.debug2.txt"},
	} {
		if err := write("goroutine", w.dbg, w.file); err != nil {
			return err
		}
	}
	if err := write("threadcreate", 0, "threadcreate.pb.gz"); err != nil {
		return err
	}
	storeMu.Unlock()
	return nil
}

// settle gives the goroutines that signalled start time to reach the
// operation they block in.
func settle() { time.Sleep(100 * time.Millisecond) }
