package kvstate_test

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"testing"

	"github.com/raft-playground/playground/kvstate"
)

// The benchmarks measure the store on a key space of benchKeys keys with
// benchValueSize-byte values, and the same work on naiveStore, a plain map,
// so the closing notes can state what MVCC history, the B-tree index and
// the watch machinery cost over the simplest possible store. Run them with
// go test -run '^$' -bench . -benchmem ./kvstate/
const (
	benchKeys      = 100_000
	benchValueSize = 32
	// benchRangeWidth is the number of consecutive keys a range reads.
	benchRangeWidth = 100
)

func benchKey(i int) string { return fmt.Sprintf("key/%06d", i) }

// benchValue is a benchValueSize-byte value that differs per i.
func benchValue(i int) string {
	return fmt.Sprintf("value-%0*d", benchValueSize-len("value-"), i)
}

// benchStore is a store with the applied-index bookkeeping a member does.
type benchStore struct {
	s     *kvstate.Store
	index uint64
}

func (bs *benchStore) apply(b *testing.B, req *kvstate.Request) kvstate.Response {
	bs.index++
	resp, err := bs.s.ApplyRequest(bs.index, 0, req)
	if err != nil || resp.Err != nil {
		b.Fatalf("apply %+v: %v %v", req, err, resp.Err)
	}
	return resp
}

// newBenchStore returns a store holding benchKeys keys, one version each.
func newBenchStore(b *testing.B) *benchStore {
	b.Helper()
	bs := &benchStore{s: kvstate.New(kvstate.Options{})}
	for i := range benchKeys {
		bs.apply(b, &kvstate.Request{Put: &kvstate.PutRequest{Key: benchKey(i), Value: benchValue(i)}})
	}
	return bs
}

// naiveStore is the baseline: the latest value of each key in a map, a
// sorted key list for ranges, and per-watcher event queues. It has no
// history, no revisions and no encoding.
type naiveStore struct {
	values map[string][]byte
	// keys are the keys in order; the benchmarks only overwrite existing
	// keys, so it is built once.
	keys     []string
	watchers []naiveWatcher
}

type naiveWatcher struct {
	key    string
	events [][]byte
}

func newNaiveStore() *naiveStore {
	n := &naiveStore{values: make(map[string][]byte, benchKeys)}
	for i := range benchKeys {
		n.put(benchKey(i), []byte(benchValue(i)))
	}
	n.keys = make([]string, 0, len(n.values))
	for k := range n.values {
		n.keys = append(n.keys, k)
	}
	sort.Strings(n.keys)
	return n
}

func (n *naiveStore) put(key string, value []byte) {
	n.values[key] = value
	for i := range n.watchers {
		if n.watchers[i].key == key {
			n.watchers[i].events = append(n.watchers[i].events, value)
		}
	}
}

// rangeFrom returns up to limit values from key on, in key order.
func (n *naiveStore) rangeFrom(key string, limit int) [][]byte {
	i, _ := slices.BinarySearch(n.keys, key)
	out := make([][]byte, 0, limit)
	for ; i < len(n.keys) && len(out) < limit; i++ {
		out = append(out, n.values[n.keys[i]])
	}
	return out
}

// reportRate adds an operations-per-second metric named unit.
func reportRate(b *testing.B, unit string) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, unit)
	}
}

// BenchmarkPut overwrites keys of a 100k-key store: each put adds a version
// to the history and the key index.
func BenchmarkPut(b *testing.B) {
	b.Run("store", func(b *testing.B) {
		bs := newBenchStore(b)
		reqs := make([]kvstate.Request, benchKeys)
		for i := range reqs {
			reqs[i] = kvstate.Request{Put: &kvstate.PutRequest{Key: benchKey(i), Value: benchValue(i + 1)}}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			bs.apply(b, &reqs[(i*7919)%benchKeys])
		}
		reportRate(b, "puts/s")
	})
	b.Run("store-encoded", func(b *testing.B) {
		// The member's real path: the command is encoded into a Raft
		// entry, then decoded and applied.
		bs := newBenchStore(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			k := (i * 7919) % benchKeys
			data, err := (&kvstate.Request{Put: &kvstate.PutRequest{Key: benchKey(k), Value: benchValue(i)}}).Encode()
			if err != nil {
				b.Fatal(err)
			}
			bs.index++
			if resp, err := bs.s.Apply(bs.index, 0, data); err != nil || resp.Err != nil {
				b.Fatal(err, resp.Err)
			}
		}
		reportRate(b, "puts/s")
	})
	b.Run("naive-map", func(b *testing.B) {
		n := newNaiveStore()
		values := make([][]byte, benchKeys)
		keys := make([]string, benchKeys)
		for i := range values {
			values[i], keys[i] = []byte(benchValue(i+1)), benchKey(i)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			k := (i * 7919) % benchKeys
			n.put(keys[k], values[k])
		}
		reportRate(b, "puts/s")
	})
}

// BenchmarkRange reads a 100k-key store: single keys, and 100 consecutive
// keys, at the current revision.
func BenchmarkRange(b *testing.B) {
	bs := newBenchStore(b)
	n := newNaiveStore()
	keys := make([]string, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	b.Run("get/store", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			resp, err := bs.s.Range(&kvstate.RangeRequest{Key: keys[(i*7919)%benchKeys]})
			if err != nil || len(resp.KVs) != 1 {
				b.Fatal(err)
			}
		}
		reportRate(b, "ranges/s")
	})
	b.Run("get/naive-map", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if n.values[keys[(i*7919)%benchKeys]] == nil {
				b.Fatal("missing key")
			}
		}
		reportRate(b, "ranges/s")
	})
	b.Run(fmt.Sprintf("range%d/store", benchRangeWidth), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			k := (i * 7919) % (benchKeys - benchRangeWidth)
			resp, err := bs.s.Range(&kvstate.RangeRequest{Key: keys[k], RangeEnd: keys[k+benchRangeWidth]})
			if err != nil || len(resp.KVs) != benchRangeWidth {
				b.Fatal(err)
			}
		}
		reportRate(b, "ranges/s")
	})
	b.Run(fmt.Sprintf("range%d/naive-map", benchRangeWidth), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			k := (i * 7919) % (benchKeys - benchRangeWidth)
			if len(n.rangeFrom(keys[k], benchRangeWidth)) != benchRangeWidth {
				b.Fatal("short range")
			}
		}
		reportRate(b, "ranges/s")
	})
	// old is the revision before every key was overwritten once more, for
	// reads at a past revision (set by the first run of that benchmark).
	var old int64
	b.Run("get-old-revision/store", func(b *testing.B) {
		// A read at a past revision walks the key's generation back to the
		// version it had then.
		if old == 0 {
			old = bs.s.Rev()
			for i := range benchKeys {
				bs.apply(b, &kvstate.Request{Put: &kvstate.PutRequest{Key: keys[i], Value: benchValue(i + 2)}})
			}
			b.ResetTimer()
		}
		for i := 0; i < b.N; i++ {
			resp, err := bs.s.Range(&kvstate.RangeRequest{Key: keys[(i*7919)%benchKeys], Revision: old})
			if err != nil || len(resp.KVs) != 1 {
				b.Fatal(err)
			}
		}
		reportRate(b, "ranges/s")
	})
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkBytesPerKeyVersion measures the live heap a store needs per kept
// key version, for one version per key and for ten, against the naive map's
// bytes per key. Each iteration builds a fresh store of benchMemVersions
// versions and measures the heap it holds.
func BenchmarkBytesPerKeyVersion(b *testing.B) {
	const benchMemVersions = 20_000
	for _, perKey := range []int{1, 10} {
		b.Run(fmt.Sprintf("store/versions-per-key=%d", perKey), func(b *testing.B) {
			var total uint64
			for i := 0; i < b.N; i++ {
				before := heapInUse()
				bs := &benchStore{s: kvstate.New(kvstate.Options{})}
				for v := range benchMemVersions {
					k := v % (benchMemVersions / perKey)
					bs.apply(b, &kvstate.Request{Put: &kvstate.PutRequest{Key: benchKey(k), Value: benchValue(v)}})
				}
				total += heapInUse() - before
				runtime.KeepAlive(bs)
			}
			b.ReportMetric(float64(total)/float64(b.N*benchMemVersions), "B/version")
		})
	}
	b.Run("naive-map", func(b *testing.B) {
		var total uint64
		for i := 0; i < b.N; i++ {
			before := heapInUse()
			m := map[string][]byte{}
			for k := range benchMemVersions {
				m[benchKey(k)] = []byte(benchValue(k))
			}
			total += heapInUse() - before
			runtime.KeepAlive(m)
		}
		b.ReportMetric(float64(total)/float64(b.N*benchMemVersions), "B/key")
	})
}

// BenchmarkWatchFanout measures one put seen by N watchers, each on its own
// stream (one client each), including taking the queued responses off every
// stream, as a member delivers them.
func BenchmarkWatchFanout(b *testing.B) {
	for _, watchers := range []int{1, 10, 100, 1000} {
		b.Run(fmt.Sprintf("store/watchers=%d", watchers), func(b *testing.B) {
			bs := &benchStore{s: kvstate.New(kvstate.Options{})}
			streams := make([]*kvstate.WatchStream, watchers)
			for i := range streams {
				streams[i] = bs.s.NewWatchStream(0)
				if _, err := streams[i].Watch(kvstate.WatchRequest{Key: "svc/", RangeEnd: kvstate.PrefixEnd("svc/")}); err != nil {
					b.Fatal(err)
				}
				streams[i].Take()
			}
			req := &kvstate.Request{Put: &kvstate.PutRequest{Key: "svc/a", Value: benchValue(0)}}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bs.apply(b, req)
				for _, ws := range streams {
					if len(ws.Take()) != 1 {
						b.Fatal("watcher missed the put")
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*watchers), "ns/delivery")
		})
		b.Run(fmt.Sprintf("naive-map/watchers=%d", watchers), func(b *testing.B) {
			n := &naiveStore{values: map[string][]byte{}}
			for range watchers {
				n.watchers = append(n.watchers, naiveWatcher{key: "svc/a"})
			}
			value := []byte(benchValue(0))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n.put("svc/a", value)
				for w := range n.watchers {
					if len(n.watchers[w].events) != 1 {
						b.Fatal("watcher missed the put")
					}
					n.watchers[w].events = n.watchers[w].events[:0]
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*watchers), "ns/delivery")
		})
	}
}
