package kvstate

import (
	"encoding/binary"
	"hash/fnv"
)

// The state digest is a 64-bit fingerprint of the whole replicated state that
// costs O(1) per change to keep, where Hash walks the whole store. It covers
// exactly what Hash covers: every kept version (live, older and tombstone,
// each with key, value, create and mod revision, version and lease), the
// current and compacted revisions, the next lease ID, and every lease's ID,
// granted TTL and checkpointed remaining TTL. A lease's attached keys are
// covered through the leases of the live versions. The kept history is part
// of it because reads and watches at any revision from the compacted one on
// can observe it.
//
// The digest is the sum, modulo 2^64, of a record hash per kept version and
// per lease, plus a hash of the scalar fields. A sum does not depend on the
// order records were added in, so a version is added when it is written and
// subtracted when compaction removes it, and a lease is added on grant,
// subtracted on revoke and swapped on checkpoint. Each record hash is a
// well-mixed 64-bit hash (recordHash) of a tag byte and the record's
// self-delimiting encoding (varints and length-prefixed strings), so two
// different states share a digest only with probability about 2^-64.

// Record tags keep the three kinds of record apart in the hash input.
const (
	digestTagVersion byte = 'v'
	digestTagLease   byte = 'l'
	digestTagScalars byte = 's'
)

// recordBufSize is the record size that still fits the stack buffer of the
// record hashes; a longer record (a long key or value) spills to the heap.
const recordBufSize = 128

// recordHash hashes one encoded record: FNV-1a over its bytes, then
// splitmix64's finalizer, so that every input bit moves every output bit and
// the record hashes behave as independent random 64-bit numbers under the
// sum. It is not a cryptographic hash, and need not be: the states compared
// come from the simulation, not from an adversary. (SHA-256 did the same job
// but pulled about 50 kB of gzipped crypto code into the browser's wasm.)
func recordHash(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	z := h.Sum64()
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return z
}

// appendString appends a length-prefixed string.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// versionRecordHash is the record hash of one kept version: its revision,
// whether it is a tombstone, and its key-value (a tombstone has only its key,
// its mod revision being its revision's main revision).
func versionRecordHash(v version) uint64 {
	var buf [recordBufSize]byte
	b := append(buf[:0], digestTagVersion)
	b = binary.AppendVarint(b, v.rev.Main)
	b = binary.AppendVarint(b, v.rev.Sub)
	if v.tombstone {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = appendString(b, v.kv.Key)
	b = binary.AppendVarint(b, v.kv.ModRevision)
	b = binary.AppendVarint(b, v.kv.CreateRevision)
	b = binary.AppendVarint(b, v.kv.Version)
	b = binary.AppendVarint(b, int64(v.kv.Lease))
	b = appendString(b, v.kv.Value)
	return recordHash(b)
}

// leaseRecordHash is the record hash of one lease's replicated fields.
func leaseRecordHash(le *lease) uint64 {
	var buf [recordBufSize]byte
	b := append(buf[:0], digestTagLease)
	b = binary.AppendVarint(b, int64(le.id))
	b = binary.AppendVarint(b, le.ttl)
	b = binary.AppendVarint(b, le.remainingTTL)
	return recordHash(b)
}

// scalarDigest is the record hash of the store's scalar fields.
func (s *Store) scalarDigest() uint64 {
	var buf [recordBufSize]byte
	b := append(buf[:0], digestTagScalars)
	b = binary.AppendVarint(b, s.currentRev)
	b = binary.AppendVarint(b, s.compactRev)
	b = binary.AppendVarint(b, int64(s.lessor.nextID))
	return recordHash(b)
}

// Digest returns the state digest (see above) in constant time. Replicas at
// the same applied index must have equal digests, and two stores have equal
// digests exactly when their Hash inputs are equal (up to a 2^-64 chance).
// The applied index is not part of it, like Hash.
func (s *Store) Digest() uint64 {
	return s.history.digest + s.lessor.digest + s.scalarDigest()
}

// digestFromScratch recomputes Digest by walking the whole state; tests
// compare it with the incremental one.
func (s *Store) digestFromScratch() uint64 {
	var d uint64
	s.history.tree.Ascend(func(v version) bool {
		d += versionRecordHash(v)
		return true
	})
	for _, id := range s.lessor.sortedIDs() {
		d += leaseRecordHash(s.lessor.leases[id])
	}
	return d + s.scalarDigest()
}

// add stores a new lease and counts it in the digest.
func (l *lessor) add(le *lease) {
	l.leases[le.id] = le
	l.digest += leaseRecordHash(le)
}

// remove drops a lease and takes it out of the digest.
func (l *lessor) remove(le *lease) {
	delete(l.leases, le.id)
	l.digest -= leaseRecordHash(le)
}

// setRemainingTTL records a lease checkpoint's remaining TTL.
func (l *lessor) setRemainingTTL(le *lease, ttl int64) {
	l.digest -= leaseRecordHash(le)
	le.remainingTTL = ttl
	l.digest += leaseRecordHash(le)
}
