package kvstate_test

import "testing"

// BenchmarkStateFingerprint compares what a replica comparison costs on a
// 100k-key store: the constant-time Digest against Hash, which walks the
// whole store.
func BenchmarkStateFingerprint(b *testing.B) {
	bs := newBenchStore(b)
	b.Run("digest", func(b *testing.B) {
		for b.Loop() {
			bs.s.Digest()
		}
	})
	b.Run("hash", func(b *testing.B) {
		for b.Loop() {
			bs.s.Hash()
		}
	})
}
