package static

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSite() fstest.MapFS {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), ModTime: mod} }
	return fstest.MapFS{
		"index.html":         file("<!doctype html>page"),
		"index.html.gz":      file("gz(page)"),
		"index.html.br":      file("br(page)"),
		"app.js":             file("js"),
		"app.js.gz":          file("gz(js)"),
		"playground.wasm":    file("\x00asm"),
		"playground.wasm.br": file("br(wasm)"),
		"docs/index.html":    file("docs"),
		"notes.unknownext":   file("?"),
	}
}

func TestHandlerServesFiles(t *testing.T) {
	h := Handler(testSite())
	tests := []struct {
		name, path, acceptEncoding string
		wantStatus                 int
		wantType, wantEncoding     string
		wantBody                   string
	}{
		{"root is index.html", "/", "", 200, "text/html; charset=utf-8", "", "<!doctype html>page"},
		{"brotli preferred", "/", "gzip, deflate, br", 200, "text/html; charset=utf-8", "br", "br(page)"},
		{"gzip when brotli is not accepted", "/index.html", "gzip", 200, "text/html; charset=utf-8", "gzip", "gz(page)"},
		{"gzip when brotli is refused by q=0", "/index.html", "br;q=0, gzip", 200, "text/html; charset=utf-8", "gzip", "gz(page)"},
		{"identity when everything is refused", "/index.html", "*;q=0", 200, "text/html; charset=utf-8", "", "<!doctype html>page"},
		{"wildcard accepts brotli", "/index.html", "*", 200, "text/html; charset=utf-8", "br", "br(page)"},
		{"only the siblings that exist", "/app.js", "br", 200, "text/javascript; charset=utf-8", "", "js"},
		{"wasm has its streaming type", "/playground.wasm", "gzip, br", 200, "application/wasm", "br", "br(wasm)"},
		{"a sub-folder's index", "/docs/", "", 200, "text/html; charset=utf-8", "", "docs"},
		{"unknown extensions are opaque", "/notes.unknownext", "", 200, "application/octet-stream", "", "?"},
		{"missing file", "/nope.js", "", 404, "", "", ""},
		{"folders are not listed", "/docs", "", 404, "", "", ""},
		{"no escape above the site", "/../../etc/passwd", "", 404, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tt.wantStatus, rec.Code)
			if tt.wantStatus != 200 {
				return
			}
			assert.Equal(t, tt.wantType, rec.Header().Get("Content-Type"))
			assert.Equal(t, tt.wantEncoding, rec.Header().Get("Content-Encoding"))
			assert.Equal(t, tt.wantBody, rec.Body.String())
			assert.Equal(t, "Accept-Encoding", rec.Header().Get("Vary"))
			assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
		})
	}
}

func TestHandlerRevalidation(t *testing.T) {
	h := Handler(testSite())
	get := func(acceptEncoding, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/index.html", nil)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	brETag := get("br", "").Header().Get("ETag")
	gzETag := get("gzip", "").Header().Get("ETag")
	require.NotEmpty(t, brETag)
	assert.NotEqual(t, brETag, gzETag, "each encoding is its own representation")

	assert.Equal(t, http.StatusNotModified, get("br", brETag).Code)
	assert.Equal(t, http.StatusOK, get("gzip", brETag).Code, "a brotli ETag must not validate the gzip bytes")
}

func TestHandlerMethods(t *testing.T) {
	h := Handler(testSite())
	t.Run("HEAD has headers and no body", func(t *testing.T) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/app.js", nil))
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "2", rec.Header().Get("Content-Length"))
		assert.Empty(t, rec.Body.String())
	})
	t.Run("POST is refused", func(t *testing.T) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
		assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
		assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
	})
}
