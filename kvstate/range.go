package kvstate

import (
	"fmt"
	"sort"
	"strings"
)

// Range serves a read from the local store (serializable, or linearizable
// after ReadIndex) without going through the log.
func (s *Store) Range(req *RangeRequest) (*RangeResponse, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	rev, err := s.checkReadRev(req.Revision, s.currentRev)
	if err != nil {
		return nil, err
	}
	resp := s.rangeAt(req, rev)
	resp.Header = s.header()
	return resp, nil
}

// checkReadRev resolves a requested read revision (0: current) against the
// kept history.
func (s *Store) checkReadRev(rev, current int64) (int64, error) {
	switch {
	case rev > current:
		return 0, fmt.Errorf("%w: revision %d, current revision %d", ErrFutureRev, rev, current)
	case rev == 0:
		return current, nil
	case rev < s.compactRev:
		return 0, fmt.Errorf("%w: revision %d, compacted revision %d", ErrCompacted, rev, s.compactRev)
	}
	return rev, nil
}

// rangeAt reads the range as of revision rev, which the caller checked.
func (s *Store) rangeAt(req *RangeRequest, rev int64) *RangeResponse {
	resp := &RangeResponse{}
	// Without sorting or filters, the natural key order already gives the
	// first Limit keys, so the scan can stop one key after the limit to learn
	// whether there are more; it still counts every key for Count.
	natural := (req.SortOrder == SortNone || req.SortOrder == SortAscend) && req.SortTarget == SortByKey && !req.hasFilters()
	var kvs []KeyValue
	s.ascendRange(keyRange{key: req.Key, end: req.RangeEnd}, func(ki *keyIndex) bool {
		mod, _, _, ok := ki.get(rev)
		if !ok {
			return true
		}
		resp.Count++
		if req.CountOnly || (natural && req.Limit > 0 && int64(len(kvs)) > req.Limit) {
			return true
		}
		kvs = append(kvs, s.history.at(mod).kv)
		return true
	})
	if req.CountOnly {
		return resp
	}
	kvs = req.filter(kvs)
	req.sort(kvs)
	if req.Limit > 0 && int64(len(kvs)) > req.Limit {
		kvs = kvs[:req.Limit]
		resp.More = true
	}
	if req.KeysOnly {
		for i := range kvs {
			kvs[i].Value = ""
		}
	}
	resp.KVs = kvs
	return resp
}

func (r *RangeRequest) hasFilters() bool {
	return r.MinModRevision != 0 || r.MaxModRevision != 0 || r.MinCreateRevision != 0 || r.MaxCreateRevision != 0
}

// filter drops the versions outside the request's revision bounds.
func (r *RangeRequest) filter(kvs []KeyValue) []KeyValue {
	if !r.hasFilters() {
		return kvs
	}
	out := kvs[:0]
	for _, kv := range kvs {
		switch {
		case r.MinModRevision != 0 && kv.ModRevision < r.MinModRevision:
		case r.MaxModRevision != 0 && kv.ModRevision > r.MaxModRevision:
		case r.MinCreateRevision != 0 && kv.CreateRevision < r.MinCreateRevision:
		case r.MaxCreateRevision != 0 && kv.CreateRevision > r.MaxCreateRevision:
		default:
			out = append(out, kv)
		}
	}
	return out
}

// sort orders the result as etcd does: a sort target other than the key with
// no order means ascending; ties keep key order so replicas agree.
func (r *RangeRequest) sort(kvs []KeyValue) {
	order := r.SortOrder
	if order == SortNone && r.SortTarget != SortByKey {
		order = SortAscend
	}
	if order == SortNone || (order == SortAscend && r.SortTarget == SortByKey) {
		return
	}
	cmp := func(a, b KeyValue) int {
		switch r.SortTarget {
		case SortByVersion:
			return compareInt(a.Version, b.Version)
		case SortByCreate:
			return compareInt(a.CreateRevision, b.CreateRevision)
		case SortByMod:
			return compareInt(a.ModRevision, b.ModRevision)
		case SortByValue:
			return strings.Compare(a.Value, b.Value)
		default:
			return strings.Compare(a.Key, b.Key)
		}
	}
	if order == SortDescend {
		sort.SliceStable(kvs, func(i, j int) bool { return cmp(kvs[i], kvs[j]) > 0 })
	} else {
		sort.SliceStable(kvs, func(i, j int) bool { return cmp(kvs[i], kvs[j]) < 0 })
	}
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
