package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/raft-playground/playground/netsim/script"
)

// runScript runs one scenario script and prints its trace. A bad line or a
// failed expectation is printed with its line number, and the exit status is 1.
func runScript(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, "usage: raftsim run FILE\n")
		return 2
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "raftsim: %v\n", err)
		return 1
	}
	out := bufio.NewWriter(stdout)
	_, err = script.RunScript(string(text), out)
	out.Flush()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", args[0], err)
		return 1
	}
	return 0
}
