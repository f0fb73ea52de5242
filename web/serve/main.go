// Command serve serves the built playground in dist/ on 127.0.0.1:8080 (the
// Makefile's `make serve` builds dist/ first). It is a development server:
// it listens on the loopback interface only.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/raft-playground/playground/web/serve/static"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on")
	dir := flag.String("dir", "dist", "the built site to serve")
	flag.Parse()

	if _, err := os.Stat(*dir + "/index.html"); err != nil {
		log.Fatalf("serve: %s has no index.html; build the site first with `make dist`", *dir)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("serve: %v", err)
	}
	fmt.Printf("Raft Playground: http://%s/  (serving %s; Ctrl-C stops)\n", ln.Addr(), *dir)
	srv := &http.Server{
		Handler:           static.Handler(os.DirFS(*dir)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("serve: %v", err)
	}
}
