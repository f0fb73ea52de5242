// Command raftsim runs scenario scripts and swarm simulations of the
// Raft Playground cluster from the command line.
//
//	raftsim run [-lang en|zh-CN] FILE         print the trace of a script; exit 1 on a bad line or failed expect
//	raftsim fuzz -seeds N [-seed S] [-json]   run N randomized simulations starting at seed S
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `usage:
  raftsim run [-lang en|zh-CN] FILE         run a scenario script and print its trace
  raftsim fuzz -seeds N [-seed S] [-json]   run N swarm simulations from seed S (default 1)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status, so tests can
// call it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return runScript(args[1:], stdout, stderr)
	case "fuzz":
		return runFuzz(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "raftsim: unknown command %q\n%s", args[0], usage)
	return 2
}
