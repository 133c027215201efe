// Command dumps writes real goroutine dumps of Go 1.19 for leakscope's
// fixtures (testdata/dumps/go119_*.txt): run it with the mode as argument
// under the GOTRACEBACK level in the file name, e.g.
//
//	GOTRACEBACK=crash go run . crash > ../../dumps/go119_crash.txt 2>&1
//
// Modes: crash (nil map write in a goroutine), hang (sleep, to be sent
// SIGQUIT), deadlock, debug2 (the
// goroutine?debug=2 text of a few blocked goroutines).
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

func blockOnNil() {
	var c chan int
	<-c
}

func worker(c chan int) {
	c <- 1
}

func main() {
	c := make(chan int)
	for i := 0; i < 3; i++ {
		go worker(c)
	}
	go blockOnNil()
	go func() {
		runtime.LockOSThread()
		select {}
	}()
	time.Sleep(100 * time.Millisecond)
	switch os.Args[1] {
	case "debug2":
		pprof.Lookup("goroutine").WriteTo(os.Stdout, 2)
	case "deadlock":
		var mu sync.Mutex
		mu.Lock()
		mu.Lock()
	case "hang":
		// for SIGQUIT: GOTRACEBACK=crash ./dumps hang & kill -QUIT $!
		time.Sleep(time.Hour)
	case "crash":
		var m map[string]int
		done := make(chan bool)
		go func() {
			m["x"] = 1
			done <- true
		}()
		<-done
	}
}
