// Package static serves the built playground (dist/) over HTTP: the right
// content types (application/wasm, which streaming compilation requires),
// the precompressed .br or .gz sibling when the client accepts it, and
// headers that make the browser revalidate every file, so a rebuilt site is
// never mixed with a stale cached one.
package static

import (
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// contentTypes are the types of the files a build writes. They are fixed
// here rather than taken from the operating system's MIME tables, which
// differ between machines and may lack application/wasm.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".wasm":  "application/wasm",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// encodings are the precompressed siblings the build writes, best first.
var encodings = []struct{ token, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// contentSecurityPolicy allows only the site's own files. 'wasm-unsafe-eval'
// is what WebAssembly compilation needs; it does not allow eval of scripts.
const contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors *"

// Handler serves the files of site. "/" and any folder serve the folder's
// index.html; folders are never listed.
func Handler(site fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" || strings.HasSuffix(r.URL.Path, "/") {
			name = path.Join(name, "index.html")
		}
		serveFile(w, r, site, name)
	})
}

func serveFile(w http.ResponseWriter, r *http.Request, site fs.FS, name string) {
	info, err := fs.Stat(site, name)
	if err != nil || info.IsDir() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Add("Vary", "Accept-Encoding")

	served, encoding := name, ""
	for _, enc := range encodings {
		if !accepts(r.Header.Get("Accept-Encoding"), enc.token) {
			continue
		}
		if sibling, err := fs.Stat(site, name+enc.suffix); err == nil && !sibling.IsDir() {
			served, encoding, info = name+enc.suffix, enc.token, sibling
			break
		}
	}
	f, err := site.Open(served)
	if err != nil {
		http.Error(w, "cannot open "+name, http.StatusInternalServerError)
		return
	}
	defer f.Close()
	seeker, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "cannot seek "+name, http.StatusInternalServerError)
		return
	}
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
	}
	// The ETag names the exact bytes sent: each encoding of a file is a
	// different representation and must not satisfy another's If-None-Match.
	h.Set("ETag", fmt.Sprintf(`"%x-%x%s"`, info.Size(), info.ModTime().UnixNano(), encoding))
	http.ServeContent(w, r, "", info.ModTime().Truncate(time.Second), seeker)
}

// contentType is the type of a file by its extension, or a generic binary
// type for anything a build does not write.
func contentType(name string) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// accepts reports whether an Accept-Encoding header allows the coding:
// listed (or matched by "*") with a quality above zero.
func accepts(header, coding string) bool {
	allowed := false
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		token = strings.ToLower(strings.TrimSpace(token))
		if token != coding && token != "*" {
			continue
		}
		zero := qualityIsZero(params)
		if token == coding {
			return !zero
		}
		allowed = !zero
	}
	return allowed
}

// qualityIsZero reports whether parameters such as "q=0" or " q=0.000"
// refuse the coding they follow.
func qualityIsZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		key, value, found := strings.Cut(strings.TrimSpace(p), "=")
		if found && strings.EqualFold(strings.TrimSpace(key), "q") {
			v := strings.TrimSpace(value)
			return strings.Trim(v, "0.") == "" && strings.HasPrefix(v, "0")
		}
	}
	return false
}
