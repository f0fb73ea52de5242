package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// entryPoints maps each front-end entry (relative to web/) to the name of the
// bundle it becomes in dist/. CSS imported by an entry lands beside it with
// the same name (app.css). The engine's Web Worker is a bundle of its own
// because a worker is started from a script URL.
var entryPoints = []api.EntryPoint{
	{InputPath: "src/main.ts", OutputPath: "app"},
	{InputPath: "src/bridge/worker.ts", OutputPath: "engine-worker"},
}

// browserTarget is the oldest JavaScript the bundle may use: what evergreen
// browsers have shipped for years, so nothing needs down-levelling helpers.
const browserTarget = api.ES2022

// bundleFrontEnd bundles and minifies the TypeScript front end into outDir.
func bundleFrontEnd(webDir, outDir string) error {
	entries := make([]api.EntryPoint, len(entryPoints))
	for i, e := range entryPoints {
		entries[i] = api.EntryPoint{InputPath: filepath.Join(webDir, e.InputPath), OutputPath: e.OutputPath}
	}
	result := api.Build(api.BuildOptions{
		EntryPointsAdvanced: entries,
		Outdir:              outDir,
		Bundle:              true,
		Write:               true,
		Format:              api.FormatIIFE,
		Platform:            api.PlatformBrowser,
		Target:              browserTarget,
		MinifyWhitespace:    true,
		MinifyIdentifiers:   true,
		MinifySyntax:        true,
		Charset:             api.CharsetUTF8,
		LegalComments:       api.LegalCommentsNone,
		LogLevel:            api.LogLevelSilent,
	})
	return esbuildError("bundle web/src", result.Errors)
}

// minifyScript minifies one standalone script without bundling it.
func minifyScript(source string) (string, error) {
	result := api.Transform(source, api.TransformOptions{
		Loader:            api.LoaderJS,
		Target:            browserTarget,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
	})
	if err := esbuildError("minify", result.Errors); err != nil {
		return "", err
	}
	return string(result.Code), nil
}

// esbuildError turns esbuild's messages into one error that names each file,
// line and column, or nil when there are none.
func esbuildError(what string, msgs []api.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	var b strings.Builder
	for _, m := range msgs {
		if m.Location != nil {
			fmt.Fprintf(&b, "\n  %s:%d:%d: %s", m.Location.File, m.Location.Line, m.Location.Column+1, m.Text)
		} else {
			fmt.Fprintf(&b, "\n  %s", m.Text)
		}
	}
	return errors.New(what + ":" + b.String())
}
