// Package check checks a simulated cluster's client history the way the
// Jepsen family of tools does: linearizability of the key-value operations
// with github.com/anishathalye/porcupine, and the etcd watch guarantees for
// watching clients. It knows nothing of the simulator; callers convert their
// history into this package's plain types.
package check
