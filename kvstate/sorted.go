package kvstate

import "sort"

// sortedKeys returns a map's keys in ascending order, so that map iteration
// order never reaches results, hashes or encodings.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
