//go:build js && wasm

// Command playground is the browser entry point of Raft Playground: compiled
// to WebAssembly, it registers one global JavaScript object,
// globalThis.raftPlayground, whose methods create a simulated cluster, apply
// script commands, advance virtual time and return views and events as plain
// data. It only translates between JavaScript and the netsim package; every
// decision is made by netsim and the code below it.
package main

import (
	"fmt"

	"github.com/hack-pad/safejs"
)

// globalName is the property of globalThis the page finds the engine under.
const globalName = "raftPlayground"

func main() {
	s := newSession()
	obj, err := exportObject(s.methods(), s.abandon)
	if err == nil {
		err = safejs.Global().Set(globalName, obj)
	}
	if err != nil {
		// Without the global the page cannot talk to us at all; the
		// loader notices it is missing and says so.
		fmt.Println("raftPlayground: cannot register the engine:", err)
		return
	}
	// Block forever: the page calls into the exported functions, which run
	// on this program's goroutines, so the program must not exit.
	select {}
}
