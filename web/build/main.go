// Command build produces the static site in dist/: the front end bundled and
// minified by esbuild's Go API, index.html, Go's wasm_exec.js, the playground
// compiled to WebAssembly, and a precompressed .gz and .br beside every file.
//
// Run it from the repository root: `go run ./web/build` (the Makefile's
// `make dist`). Every URL in the output is relative, so dist/ works from any
// sub-path of any static host.
//
// With -types it instead regenerates web/src/bridge/view.gen.ts, the
// TypeScript mirror of the engine's view types.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	root := flag.String("root", ".", "the repository root (holds web/ and wasm/)")
	out := flag.String("out", "dist", "the output folder; it is emptied first")
	types := flag.Bool("types", false, "regenerate "+viewTypesFile+" instead of building the site")
	flag.Parse()

	if err := run(*root, *out, *types); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
}

func run(root, out string, types bool) error {
	webDir := filepath.Join(root, "web")
	if types {
		f, err := os.Create(filepath.Join(webDir, viewTypesFile))
		if err != nil {
			return err
		}
		if err := writeViewTypes(f); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	report, err := buildSite(siteConfig{
		webDir:  webDir,
		wasmPkg: "./wasm/playground",
		rootDir: root,
		outDir:  out,
	})
	if err != nil {
		return err
	}
	report.print(os.Stdout)
	return nil
}
