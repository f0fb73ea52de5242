package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// siteConfig says where the sources are and where the site goes.
type siteConfig struct {
	webDir  string // web/: index.html and src/
	wasmPkg string // the Go package compiled to WebAssembly, relative to rootDir
	rootDir string // the module root, where `go build` runs
	outDir  string // dist/
}

// wasmFileName is the name the bridge fetches the compiled playground by.
const wasmFileName = "playground.wasm"

// buildSite writes the whole site into cfg.outDir, replacing what was there,
// so a file deleted from the sources never lingers in dist/.
func buildSite(cfg siteConfig) (sizeReport, error) {
	if err := os.RemoveAll(cfg.outDir); err != nil {
		return nil, fmt.Errorf("empty %s: %w", cfg.outDir, err)
	}
	if err := os.MkdirAll(cfg.outDir, 0o755); err != nil {
		return nil, err
	}
	if err := copyIndexHTML(filepath.Join(cfg.webDir, "index.html"), cfg.outDir); err != nil {
		return nil, err
	}
	if err := bundleFrontEnd(cfg.webDir, cfg.outDir); err != nil {
		return nil, err
	}
	if err := copyWasmExec(cfg.outDir); err != nil {
		return nil, err
	}
	if err := buildWasm(cfg.rootDir, cfg.wasmPkg, filepath.Join(cfg.outDir, wasmFileName)); err != nil {
		return nil, err
	}
	return compressTree(cfg.outDir)
}

// copyIndexHTML copies the page after checking that it only uses relative
// URLs; an absolute one ("/app.js") would break the site under a sub-path.
func copyIndexHTML(src, outDir string) error {
	html, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if bad := absoluteURLs(string(html)); len(bad) > 0 {
		return fmt.Errorf("%s: use relative URLs so the site works under any path; found %s", src, strings.Join(bad, ", "))
	}
	return os.WriteFile(filepath.Join(outDir, "index.html"), html, 0o644)
}

// goCommand is the go tool to build with: $GO when set (the Makefile passes
// its own), otherwise the one on PATH.
func goCommand() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}

// copyWasmExec copies the JavaScript support file that matches the Go
// toolchain compiling the wasm; the two must come from the same release.
func copyWasmExec(outDir string) error {
	goroot, err := exec.Command(goCommand(), "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js")
	js, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	minified, err := minifyScript(string(js))
	if err != nil {
		return fmt.Errorf("minify %s: %w", src, err)
	}
	return os.WriteFile(filepath.Join(outDir, "wasm_exec.js"), []byte(minified), 0o644)
}

// wasmFlags are the build flags of the browser's wasm. -trimpath keeps the
// build machine's paths out of the binary, and -s -w drop the symbol table
// and DWARF, which the browser never uses and which would double the
// download. -l turns off inlining everywhere but the runtime: inlined copies
// are most of what Go's wasm code repeats, and dropping them saves about
// 115 kB (7%) of the gzipped wasm for about 12% fewer simulated events per
// second — the simulation runs at most in real time and has a margin of over
// 80 times, while every learner pays for the download. The runtime keeps its
// inlining: without it, allocation and map access slow the whole engine by
// a further quarter for another 23 kB.
var wasmFlags = []string{"-trimpath", "-ldflags=-s -w", "-gcflags=all=-l", "-gcflags=runtime="}

// buildWasm compiles the playground for GOOS=js with wasmFlags.
func buildWasm(rootDir, pkg, outFile string) error {
	abs, err := filepath.Abs(outFile)
	if err != nil {
		return err
	}
	args := append(append([]string{"build"}, wasmFlags...), "-o", abs, pkg)
	cmd := exec.Command(goCommand(), args...)
	cmd.Dir = rootDir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s for js/wasm: %w", pkg, err)
	}
	return nil
}
