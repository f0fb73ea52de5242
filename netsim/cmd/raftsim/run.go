package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/raft-playground/playground/netsim"
	"github.com/raft-playground/playground/netsim/script"
)

// catalogs are the trace languages `raftsim run -lang` knows.
var catalogs = map[string]*netsim.Catalog{"en": netsim.English, "zh-CN": netsim.Chinese}

// runScript runs one scenario script and prints its trace. A bad line or a
// failed expectation is printed with its line number, and the exit status is
// 1. A panic inside the world (a broken invariant, a bug) is reported the
// same way, with its stack, after the trace up to that point.
func runScript(args []string, stdout, stderr io.Writer) (code int) {
	fs := flag.NewFlagSet("raftsim run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := fs.String("lang", "en", "language of the trace: en or zh-CN")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	args = fs.Args()
	catalog, ok := catalogs[*lang]
	if len(args) != 1 || !ok {
		fmt.Fprint(stderr, "usage: raftsim run [-lang en|zh-CN] FILE\n")
		return 2
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "raftsim: %v\n", err)
		return 1
	}
	out := bufio.NewWriter(stdout)
	defer func() {
		if v := recover(); v != nil {
			out.Flush()
			fmt.Fprintf(stderr, "%s: internal error (a bug, please report it with this script): panic: %v\n%s", args[0], v, debug.Stack())
			code = 1
		}
	}()
	_, err = script.RunScriptIn(string(text), out, catalog)
	out.Flush()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", args[0], err)
		return 1
	}
	return 0
}
