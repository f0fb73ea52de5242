package main

import (
	"regexp"
	"strings"
)

// urlAttribute finds the value of every src= and href= attribute, quoted or not.
var urlAttribute = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)

// absoluteURLs lists the URLs in an HTML page that are not relative to the
// page: rooted paths ("/app.js") and anything with a scheme or host
// ("https://cdn…", "//cdn…"). Fragments and data: URLs are fine.
func absoluteURLs(html string) []string {
	var bad []string
	for _, m := range urlAttribute.FindAllStringSubmatch(html, -1) {
		u := m[1] + m[2] + m[3]
		if isAbsoluteURL(u) {
			bad = append(bad, u)
		}
	}
	return bad
}

func isAbsoluteURL(u string) bool {
	lower := strings.ToLower(strings.TrimSpace(u))
	switch {
	case strings.HasPrefix(lower, "#"), strings.HasPrefix(lower, "data:"):
		return false
	case strings.HasPrefix(lower, "/"):
		return true
	}
	scheme, _, found := strings.Cut(lower, ":")
	return found && !strings.ContainsAny(scheme, "/?#")
}
