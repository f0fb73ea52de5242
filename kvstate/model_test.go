package kvstate_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/kvstate"
)

// modelSeed replays one seed of TestStoreAgainstModel, as its failure
// message suggests: go test ./kvstate -run TestStoreAgainstModel -kvmodel.seed=N
var modelSeed = flag.Uint64("kvmodel.seed", 0, "run TestStoreAgainstModel with this seed only")

// The property test runs modelSeeds random histories of modelOps operations
// each: enough to reach compactions, restores and every error path many
// times, while staying well under a second.
const (
	modelSeeds = 40
	modelOps   = 300
)

// modelVersion is one change of a key in the model: a put (KV is the whole
// version) or a delete (tombstone, KV holds the key and ModRevision). sub
// numbers the changes of one revision in the order they were made.
type modelVersion struct {
	kv        kvstate.KeyValue
	sub       int64
	tombstone bool
}

// model is the naive reference: every key with the list of all its versions,
// never pruned. Compaction only moves compactRev, below which reads are
// refused; a read at or above it must see exactly what it saw before the
// compaction, which is what the store has to keep.
type model struct {
	rev        int64
	compactRev int64
	history    map[string][]modelVersion
	leases     map[kvstate.LeaseID]bool
}

func newModel() *model {
	return &model{rev: 1, history: map[string][]modelVersion{}, leases: map[kvstate.LeaseID]bool{}}
}

// get returns the key as of rev, and false when it did not exist then.
func (m *model) get(key string, rev int64) (kvstate.KeyValue, bool) {
	var last *modelVersion
	for i := range m.history[key] {
		if m.history[key][i].kv.ModRevision > rev {
			break
		}
		last = &m.history[key][i]
	}
	if last == nil || last.tombstone {
		return kvstate.KeyValue{}, false
	}
	return last.kv, true
}

// keysIn lists the model's keys selected by key and end, in order.
func (m *model) keysIn(key, end string) []string {
	var out []string
	for k := range m.history {
		if inRange(k, key, end) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// inRange is the key-range rule written out independently of the store:
// end "" selects the key, FromKeyEnd every key from it, otherwise [key, end).
func inRange(k, key, end string) bool {
	switch end {
	case "":
		return k == key
	case kvstate.FromKeyEnd:
		return k >= key
	}
	return k >= key && k < end
}

// checkRev is the read-revision rule: 0 is the current revision, above it is
// the future, below the compacted revision is gone.
func (m *model) checkRev(rev, current int64) (int64, error) {
	switch {
	case rev > current:
		return 0, kvstate.ErrFutureRev
	case rev == 0:
		return current, nil
	case rev < m.compactRev:
		return 0, kvstate.ErrCompacted
	}
	return rev, nil
}

// rangeAt answers a range at a resolved revision.
func (m *model) rangeAt(req *kvstate.RangeRequest, rev int64) *kvstate.RangeResponse {
	resp := &kvstate.RangeResponse{}
	var kvs []kvstate.KeyValue
	for _, k := range m.keysIn(req.Key, req.RangeEnd) {
		if kv, ok := m.get(k, rev); ok {
			kvs = append(kvs, kv)
		}
	}
	resp.Count = int64(len(kvs))
	if req.CountOnly {
		return resp
	}
	kvs = slices.DeleteFunc(kvs, func(kv kvstate.KeyValue) bool {
		return (req.MaxModRevision != 0 && kv.ModRevision > req.MaxModRevision) ||
			(req.MinCreateRevision != 0 && kv.CreateRevision < req.MinCreateRevision)
	})
	if req.SortTarget == kvstate.SortByCreate {
		slices.SortStableFunc(kvs, func(a, b kvstate.KeyValue) int {
			if req.SortOrder == kvstate.SortDescend {
				a, b = b, a
			}
			return int(a.CreateRevision - b.CreateRevision)
		})
	}
	if req.Limit > 0 && int64(len(kvs)) > req.Limit {
		kvs, resp.More = kvs[:req.Limit], true
	}
	if req.KeysOnly {
		for i := range kvs {
			kvs[i].Value = ""
		}
	}
	resp.KVs = kvs
	return resp
}

// modelTxn is one write transaction of the model: its changes share the main
// revision m.rev+1 and become current only if there are any.
type modelTxn struct {
	m *model
	// changes counts the changes made so far; the next one's sub revision.
	changes int64
}

func (t *modelTxn) rev() int64 { return t.m.rev + 1 }

// readRev is what the transaction's own reads see: its changes once made.
func (t *modelTxn) readRev() int64 {
	if t.changes > 0 {
		return t.rev()
	}
	return t.m.rev
}

// record adds a change to the model's history.
func (t *modelTxn) record(v modelVersion) {
	v.sub = t.changes
	t.m.history[v.kv.Key] = append(t.m.history[v.kv.Key], v)
	t.changes++
}

func (t *modelTxn) put(req *kvstate.PutRequest) *kvstate.PutResponse {
	resp := &kvstate.PutResponse{}
	kv := kvstate.KeyValue{Key: req.Key, CreateRevision: t.rev(), ModRevision: t.rev(), Version: 1, Value: req.Value, Lease: req.Lease}
	if prev, ok := t.m.get(req.Key, t.readRev()); ok {
		kv.CreateRevision, kv.Version = prev.CreateRevision, prev.Version+1
		if req.IgnoreValue {
			kv.Value = prev.Value
		}
		if req.IgnoreLease {
			kv.Lease = prev.Lease
		}
		if req.PrevKV {
			resp.PrevKV = &prev
		}
	}
	t.record(modelVersion{kv: kv})
	return resp
}

func (t *modelTxn) deleteRange(req *kvstate.DeleteRangeRequest) *kvstate.DeleteRangeResponse {
	resp := &kvstate.DeleteRangeResponse{}
	for _, k := range t.m.keysIn(req.Key, req.RangeEnd) {
		prev, ok := t.m.get(k, t.readRev())
		if !ok {
			continue
		}
		t.deleteKey(k)
		resp.Deleted++
		if req.PrevKV {
			resp.PrevKVs = append(resp.PrevKVs, prev)
		}
	}
	return resp
}

func (t *modelTxn) deleteKey(k string) {
	t.record(modelVersion{kv: kvstate.KeyValue{Key: k, ModRevision: t.rev()}, tombstone: true})
}

func (t *modelTxn) end() {
	if t.changes > 0 {
		t.m.rev++
	}
}

// events returns the changes from revision from on as a watch with PrevKV
// must report them: in revision order, and in the order they were made
// within a revision.
func (m *model) events(from int64) []kvstate.Event {
	type change struct {
		rev, sub int64
		ev       kvstate.Event
	}
	var all []change
	for _, versions := range m.history {
		for i, v := range versions {
			if v.kv.ModRevision < from {
				continue
			}
			ev := kvstate.Event{Type: kvstate.EventPut, KV: v.kv}
			if v.tombstone {
				ev.Type = kvstate.EventDelete
			}
			if i > 0 && !versions[i-1].tombstone {
				prev := versions[i-1].kv
				ev.PrevKV = &prev
			}
			all = append(all, change{rev: v.kv.ModRevision, sub: v.sub, ev: ev})
		}
	}
	slices.SortFunc(all, func(a, b change) int {
		if a.rev != b.rev {
			return sign(a.rev - b.rev)
		}
		return sign(a.sub - b.sub)
	})
	out := make([]kvstate.Event, len(all))
	for i, c := range all {
		out[i] = c.ev
	}
	return out
}

// compareHolds evaluates a compare the way etcd does: it must hold for every
// existing key of its range; with none, it is evaluated on a missing key,
// which has version, create and mod revision 0 and no lease, and on which a
// value compare fails.
func (m *model) compareHolds(c kvstate.Compare) bool {
	found := false
	for _, k := range m.keysIn(c.Key, c.RangeEnd) {
		if kv, ok := m.get(k, m.rev); ok {
			found = true
			if !compareKV(c, kv) {
				return false
			}
		}
	}
	if !found {
		return c.Target != kvstate.CompareValue && compareKV(c, kvstate.KeyValue{})
	}
	return true
}

// compareKV evaluates a compare on one version.
func compareKV(c kvstate.Compare, kv kvstate.KeyValue) bool {
	var cmp int
	switch c.Target {
	case kvstate.CompareVersion:
		cmp = sign(kv.Version - c.Version)
	case kvstate.CompareCreate:
		cmp = sign(kv.CreateRevision - c.CreateRevision)
	case kvstate.CompareMod:
		cmp = sign(kv.ModRevision - c.ModRevision)
	case kvstate.CompareValue:
		cmp = strings.Compare(kv.Value, c.Value)
	case kvstate.CompareLease:
		cmp = sign(int64(kv.Lease - c.Lease))
	}
	switch c.Result {
	case kvstate.CompareEqual:
		return cmp == 0
	case kvstate.CompareNotEqual:
		return cmp != 0
	case kvstate.CompareGreater:
		return cmp > 0
	}
	return cmp < 0
}

func sign(d int64) int {
	switch {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}

// txnBranch returns whether a transaction's compares hold and the branch
// they choose. The model's current revision moves only when a transaction
// ends, so nested transactions are decided on the state before the whole
// transaction, as etcd decides them.
func (m *model) txnBranch(req *kvstate.TxnRequest) (bool, []kvstate.Op) {
	for _, c := range req.Compare {
		if !m.compareHolds(c) {
			return false, req.Failure
		}
	}
	return true, req.Success
}

// checkTxn checks every put on the transaction's path, nested ones
// included, before anything runs: one refused put refuses it all.
func (m *model) checkTxn(req *kvstate.TxnRequest) error {
	_, branch := m.txnBranch(req)
	for _, op := range branch {
		var err error
		switch {
		case op.Put != nil:
			err = m.checkPut(op.Put)
		case op.Txn != nil:
			err = m.checkTxn(op.Txn)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// runTxn runs a checked transaction's path within t.
func (m *model) runTxn(t *modelTxn, req *kvstate.TxnRequest) *kvstate.TxnResponse {
	succeeded, branch := m.txnBranch(req)
	tr := &kvstate.TxnResponse{Succeeded: succeeded}
	for _, op := range branch {
		var r kvstate.OpResponse
		switch {
		case op.Range != nil:
			r.Range = m.rangeAt(op.Range, t.readRev())
		case op.Put != nil:
			r.Put = t.put(op.Put)
		case op.DeleteRange != nil:
			r.DeleteRange = t.deleteRange(op.DeleteRange)
		case op.Txn != nil:
			r.Txn = m.runTxn(t, op.Txn)
		}
		tr.Responses = append(tr.Responses, r)
	}
	return tr
}

// checkPut refuses a put the state before it cannot take: an unknown lease,
// or a value or lease to keep from a key that does not exist.
func (m *model) checkPut(req *kvstate.PutRequest) error {
	if _, ok := m.get(req.Key, m.rev); !ok && (req.IgnoreValue || req.IgnoreLease) {
		return kvstate.ErrKeyNotFound
	}
	if req.Lease != kvstate.NoLease && !m.leases[req.Lease] {
		return kvstate.ErrLeaseNotFound
	}
	return nil
}

// apply computes the response the store must give to req and updates the
// model. A refused request leaves the model as it was.
func (m *model) apply(req *kvstate.Request) kvstate.Response {
	refused := func(err error) kvstate.Response {
		return kvstate.Response{Header: kvstate.Header{Revision: m.rev}, Err: err}
	}
	var resp kvstate.Response
	switch {
	case req.Range != nil:
		rev, err := m.checkRev(req.Range.Revision, m.rev)
		if err != nil {
			return refused(err)
		}
		resp.Range = m.rangeAt(req.Range, rev)
	case req.Put != nil:
		if err := m.checkPut(req.Put); err != nil {
			return refused(err)
		}
		t := &modelTxn{m: m}
		resp.Put = t.put(req.Put)
		t.end()
	case req.DeleteRange != nil:
		t := &modelTxn{m: m}
		resp.DeleteRange = t.deleteRange(req.DeleteRange)
		t.end()
	case req.Txn != nil:
		if err := m.checkTxn(req.Txn); err != nil {
			return refused(err)
		}
		t := &modelTxn{m: m}
		resp.Txn = m.runTxn(t, req.Txn)
		t.end()
	case req.Compaction != nil:
		switch rev := req.Compaction.Revision; {
		case rev < 0:
			return refused(kvstate.ErrInvalidRevision)
		case rev <= m.compactRev:
			return refused(kvstate.ErrCompacted)
		case rev > m.rev:
			return refused(kvstate.ErrFutureRev)
		default:
			m.compactRev = rev
		}
		resp.Compaction = &kvstate.CompactionResponse{}
	case req.LeaseGrant != nil:
		// The store picks the ID; the model checks the pick when the
		// response comes back (see run).
		resp.LeaseGrant = &kvstate.LeaseGrantResponse{TTL: req.LeaseGrant.TTL}
	case req.LeaseRevoke != nil:
		id := req.LeaseRevoke.ID
		if !m.leases[id] {
			return refused(kvstate.ErrLeaseNotFound)
		}
		delete(m.leases, id)
		t := &modelTxn{m: m}
		var deleted []string
		for _, k := range m.keysIn("\x00", kvstate.FromKeyEnd) {
			if kv, ok := m.get(k, m.rev); ok && kv.Lease == id {
				t.deleteKey(k)
				deleted = append(deleted, k)
			}
		}
		t.end()
		resp.LeaseRevoke = &kvstate.LeaseRevokeResponse{Deleted: deleted}
	}
	resp.Header = kvstate.Header{Revision: m.rev}
	stampHeaders(&resp)
	return resp
}

// stampHeaders gives every nested response the request's header, as the
// store reports one revision for a whole request.
func stampHeaders(r *kvstate.Response) {
	h := r.Header
	switch {
	case r.Range != nil:
		r.Range.Header = h
	case r.Put != nil:
		r.Put.Header = h
	case r.DeleteRange != nil:
		r.DeleteRange.Header = h
	case r.Txn != nil:
		stampTxn(r.Txn, h)
	case r.Compaction != nil:
		r.Compaction.Header = h
	case r.LeaseGrant != nil:
		r.LeaseGrant.Header = h
	case r.LeaseRevoke != nil:
		r.LeaseRevoke.Header = h
	}
}

func stampTxn(tr *kvstate.TxnResponse, h kvstate.Header) {
	tr.Header = h
	for _, op := range tr.Responses {
		switch {
		case op.Range != nil:
			op.Range.Header = h
		case op.Put != nil:
			op.Put.Header = h
		case op.DeleteRange != nil:
			op.DeleteRange.Header = h
		case op.Txn != nil:
			stampTxn(op.Txn, h)
		}
	}
}

// normalize makes responses comparable: the request ID and error are
// compared separately, and an empty list is the same as none.
func normalize(r kvstate.Response) kvstate.Response {
	r.ID, r.Err = 0, nil
	normRange := func(rr *kvstate.RangeResponse) {
		if rr != nil && len(rr.KVs) == 0 {
			rr.KVs = nil
		}
	}
	normDelete := func(d *kvstate.DeleteRangeResponse) {
		if d != nil && len(d.PrevKVs) == 0 {
			d.PrevKVs = nil
		}
	}
	var normTxn func(*kvstate.TxnResponse)
	normTxn = func(tr *kvstate.TxnResponse) {
		if tr == nil {
			return
		}
		if len(tr.Responses) == 0 {
			tr.Responses = nil
		}
		for _, op := range tr.Responses {
			normRange(op.Range)
			normDelete(op.DeleteRange)
			normTxn(op.Txn)
		}
	}
	normRange(r.Range)
	normDelete(r.DeleteRange)
	normTxn(r.Txn)
	if r.LeaseRevoke != nil && len(r.LeaseRevoke.Deleted) == 0 {
		r.LeaseRevoke.Deleted = nil
	}
	return r
}

// modelKeys is the key space of the random histories: few enough keys that
// operations collide, with a prefix to range over.
var modelKeys = []string{"a", "b", "c", "d", "p/1", "p/2", "p/3", "q"}

// gen draws random requests from one seeded source.
type gen struct {
	r *rand.Rand
	m *model
	n int
}

func (g *gen) key() string { return modelKeys[g.r.IntN(len(modelKeys))] }

func (g *gen) value() string {
	g.n++
	return fmt.Sprintf("v%d", g.n)
}

// keyRange draws a single key, an interval, a prefix, a from-key range or
// every key.
func (g *gen) keyRange() (string, string) {
	switch g.r.IntN(5) {
	case 0:
		a, b := g.key(), g.key()
		if a == b {
			return a, ""
		}
		return min(a, b), max(a, b)
	case 1:
		return "p/", kvstate.PrefixEnd("p/")
	case 2:
		return g.key(), kvstate.FromKeyEnd
	case 3:
		return "\x00", kvstate.FromKeyEnd
	}
	return g.key(), ""
}

// lease draws a lease for a put: mostly none, sometimes a live one,
// rarely an unknown one (which must be refused).
func (g *gen) lease() kvstate.LeaseID {
	switch n := g.r.IntN(10); {
	case n < 6:
		return kvstate.NoLease
	case n < 9:
		for _, id := range sortedLeases(g.m) {
			if g.r.IntN(2) == 0 {
				return id
			}
		}
		return kvstate.NoLease
	}
	return kvstate.LeaseID(1000 + g.r.IntN(5))
}

func sortedLeases(m *model) []kvstate.LeaseID {
	ids := make([]kvstate.LeaseID, 0, len(m.leases))
	for id := range m.leases {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// put draws a put, sometimes one that keeps the key's value or lease.
func (g *gen) put(key string) *kvstate.PutRequest {
	req := &kvstate.PutRequest{Key: key, Value: g.value(), Lease: g.lease(), PrevKV: g.r.IntN(2) == 0}
	switch g.r.IntN(10) {
	case 0:
		req.IgnoreValue, req.Value = true, ""
	case 1:
		req.IgnoreLease, req.Lease = true, kvstate.NoLease
	}
	return req
}

// rangeReq draws a read: any range, at the current revision or one around
// the kept history (including compacted and future ones), with a limit,
// keys-only or count-only, the sort and filters the recipes use.
func (g *gen) rangeReq(atRevisions bool) *kvstate.RangeRequest {
	key, end := g.keyRange()
	req := &kvstate.RangeRequest{Key: key, RangeEnd: end}
	if atRevisions && g.r.IntN(2) == 0 {
		req.Revision = max(0, g.m.compactRev-1+g.r.Int64N(g.m.rev-g.m.compactRev+3))
	}
	if g.r.IntN(3) == 0 {
		req.Limit = 1 + g.r.Int64N(3)
	}
	switch g.r.IntN(6) {
	case 0:
		req.KeysOnly = true
	case 1:
		req.CountOnly = true
	case 2:
		req.SortTarget, req.SortOrder = kvstate.SortByCreate, kvstate.SortDescend
		req.MaxModRevision = 1 + g.r.Int64N(g.m.rev)
	case 3:
		req.SortTarget, req.SortOrder = kvstate.SortByCreate, kvstate.SortAscend
		req.MinCreateRevision = 1 + g.r.Int64N(g.m.rev)
	}
	return req
}

func (g *gen) compare() kvstate.Compare {
	c := kvstate.Compare{Key: g.key(), Target: kvstate.CompareTarget(g.r.IntN(5)), Result: kvstate.CompareResult(g.r.IntN(4))}
	if g.r.IntN(4) == 0 {
		// A compare over several keys must hold for each of them.
		c.Key, c.RangeEnd = g.keyRange()
	}
	kv, _ := g.m.get(c.Key, g.m.rev)
	// Operands near the key's real fields, so both branches happen.
	jitter := g.r.Int64N(3) - 1
	c.Version = kv.Version + jitter
	c.CreateRevision = kv.CreateRevision + jitter
	c.ModRevision = kv.ModRevision + jitter
	c.Value = kv.Value
	if g.r.IntN(2) == 0 {
		c.Value = g.value()
	}
	c.Lease = kv.Lease
	return c
}

// txn draws a transaction; depth limits nesting. written collects the keys
// the whole transaction writes, nested branches included, so no key is
// written twice (which the store refuses; that rule has its own tests).
func (g *gen) txn(depth int, written map[string]bool) *kvstate.TxnRequest {
	var cmps []kvstate.Compare
	for range g.r.IntN(3) {
		cmps = append(cmps, g.compare())
	}
	return &kvstate.TxnRequest{Compare: cmps, Success: g.branch(depth, written), Failure: g.branch(depth, written)}
}

// branch draws transaction operations.
func (g *gen) branch(depth int, written map[string]bool) []kvstate.Op {
	var ops []kvstate.Op
	for range g.r.IntN(4) {
		switch k := g.key(); g.r.IntN(7) {
		case 0:
			if depth < 2 {
				ops = append(ops, kvstate.Op{Txn: g.txn(depth+1, written)})
			}
		case 1, 2:
			ops = append(ops, kvstate.Op{Range: g.rangeReq(false)})
		case 3, 4:
			if !written[k] {
				written[k] = true
				ops = append(ops, kvstate.Op{Put: g.put(k)})
			}
		default:
			if !written[k] {
				written[k] = true
				ops = append(ops, kvstate.Op{DeleteRange: &kvstate.DeleteRangeRequest{Key: k, PrevKV: true}})
			}
		}
	}
	return ops
}

// request draws the next operation of a history.
func (g *gen) request() *kvstate.Request {
	switch n := g.r.IntN(100); {
	case n < 30:
		return &kvstate.Request{Put: g.put(g.key())}
	case n < 40:
		key, end := g.keyRange()
		return &kvstate.Request{DeleteRange: &kvstate.DeleteRangeRequest{Key: key, RangeEnd: end, PrevKV: g.r.IntN(2) == 0}}
	case n < 60:
		return &kvstate.Request{Txn: g.txn(0, map[string]bool{})}
	case n < 85:
		return &kvstate.Request{Range: g.rangeReq(true)}
	case n < 91:
		// Mostly valid compactions, sometimes at or below the last one or
		// in the future.
		return &kvstate.Request{Compaction: &kvstate.CompactionRequest{Revision: g.m.compactRev - 1 + g.r.Int64N(g.m.rev-g.m.compactRev+3)}}
	case n < 96:
		return &kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{TTL: 5 + g.r.Int64N(10)}}
	}
	ids := sortedLeases(g.m)
	if len(ids) == 0 || g.r.IntN(5) == 0 {
		return &kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: kvstate.LeaseID(2000 + g.r.IntN(5))}}
	}
	return &kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: ids[g.r.IntN(len(ids))]}}
}

// TestStoreAgainstModel applies random histories to the store and to the
// naive model and requires the same response to every request, the same
// state at the current revision and at a random kept revision after every
// step, and, every few steps, a snapshot whose restored copy has the same
// hashes, restored in place so the history continues on restored state. Two
// watchers over every key must report exactly the model's changes.
func TestStoreAgainstModel(t *testing.T) {
	seeds := make([]uint64, modelSeeds)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	if *modelSeed != 0 {
		seeds = []uint64{*modelSeed}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			defer func() {
				if t.Failed() {
					t.Logf("reproduce with: go test ./kvstate -run 'TestStoreAgainstModel' -kvmodel.seed=%d", seed)
				}
			}()
			runModelHistory(t, seed)
		})
	}
}

func runModelHistory(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 0x6b767374617465))
	m := newModel()
	g := &gen{r: r, m: m}
	s := kvstate.New(kvstate.Options{})
	// Two watchers see the whole history through the run: one from the
	// start, and one created halfway that replays the recent past. Their
	// stream caps responses at two events, which a revision with more must
	// still not be split by.
	stream := s.NewWatchStream(2)
	all := &modelWatch{}
	var err error
	all.id, err = stream.Watch(kvstate.WatchRequest{Key: "\x00", RangeEnd: kvstate.FromKeyEnd, PrevKV: true})
	require.NoError(t, err)
	all.from = 2
	var late *modelWatch
	index := uint64(0)
	for step := range modelOps {
		if step == modelOps/2 {
			late = &modelWatch{from: max(m.compactRev+1, m.rev-20)}
			late.id, err = stream.Watch(kvstate.WatchRequest{Key: "\x00", RangeEnd: kvstate.FromKeyEnd, StartRevision: late.from, PrevKV: true})
			require.NoError(t, err)
		}
		req := g.request()
		index++
		data, err := req.Encode()
		require.NoError(t, err, "step %d", step)
		got, err := s.Apply(index, 0, data)
		require.NoError(t, err, "step %d", step)
		want := m.apply(req)
		if req.LeaseGrant != nil && got.Err == nil {
			id := got.LeaseGrant.ID
			require.False(t, m.leases[id], "step %d: grant picked the live lease %d", step, id)
			require.Positive(t, id, "step %d", step)
			m.leases[id] = true
			want.LeaseGrant.ID = id
		}
		if want.Err != nil {
			require.ErrorIs(t, got.Err, want.Err, "step %d: %+v", step, req)
		} else {
			require.NoError(t, got.Err, "step %d: %+v", step, req)
		}
		require.Equal(t, normalize(want), normalize(got), "step %d: response to %s", step, describe(req))

		requireSameState(t, s, m, m.rev, step)
		if m.rev > m.compactRev {
			requireSameState(t, s, m, max(1, m.compactRev)+r.Int64N(m.rev-max(1, m.compactRev)+1), step)
		}
		if step%40 == 39 {
			requireRestoredCopy(t, s, r, step)
		}
		for _, wr := range stream.Take() {
			for _, w := range []*modelWatch{all, late} {
				if w != nil && wr.WatchID == w.id {
					w.take(t, wr, step)
				}
			}
		}
	}
	all.requireSaw(t, m)
	late.requireSaw(t, m)
}

// modelWatch collects what one watch of the model test reported.
type modelWatch struct {
	id     kvstate.WatchID
	from   int64
	events []kvstate.Event
	// revs counts the responses each revision's events came in.
	revs map[int64]int
}

func (w *modelWatch) take(t *testing.T, wr kvstate.WatchResponse, step int) {
	t.Helper()
	require.False(t, wr.Canceled, "step %d: watch %d canceled: %s", step, w.id, wr.CancelReason)
	if w.revs == nil {
		w.revs = map[int64]int{}
	}
	seen := map[int64]bool{}
	for _, ev := range wr.Events {
		if !seen[ev.KV.ModRevision] {
			seen[ev.KV.ModRevision] = true
			w.revs[ev.KV.ModRevision]++
		}
	}
	w.events = append(w.events, wr.Events...)
}

// requireSaw checks that the watch reported every change from its start, in
// order, once, each revision in a single response.
func (w *modelWatch) requireSaw(t *testing.T, m *model) {
	t.Helper()
	require.Equal(t, m.events(w.from), w.events, "watch from revision %d", w.from)
	for rev, n := range w.revs {
		require.Equal(t, 1, n, "revision %d was split across %d responses", rev, n)
	}
}

// requireSameState compares every key at revision rev.
func requireSameState(t *testing.T, s *kvstate.Store, m *model, rev int64, step int) {
	t.Helper()
	all := &kvstate.RangeRequest{Key: "\x00", RangeEnd: kvstate.FromKeyEnd, Revision: rev}
	got, err := s.Range(all)
	require.NoError(t, err, "step %d: read at %d (compacted at %d)", step, rev, m.compactRev)
	want := m.rangeAt(all, rev)
	require.Equal(t, want.KVs, got.KVs, "step %d: keys at revision %d", step, rev)
	require.Equal(t, want.Count, got.Count, "step %d", step)
	require.Equal(t, m.rev, s.Rev(), "step %d: current revision", step)
	require.Equal(t, m.compactRev, s.CompactRev(), "step %d: compacted revision", step)
}

// requireRestoredCopy snapshots s into a fresh store and checks that the
// copy is the same state (hashes, revisions, applied index); a damaged
// snapshot must be refused without touching the copy. Then s itself is
// restored from the snapshot, so the history continues on restored state
// while its watchers stay (a member restoring a Raft snapshot keeps its
// clients' watches).
func requireRestoredCopy(t *testing.T, s *kvstate.Store, r *rand.Rand, step int) {
	t.Helper()
	snap := s.Snapshot()
	restored := kvstate.New(kvstate.Options{})
	require.NoError(t, restored.Restore(snap), "step %d", step)
	require.Equal(t, s.Hash(), restored.Hash(), "step %d: state hash after restore", step)
	require.Equal(t, s.Rev(), restored.Rev(), "step %d", step)
	require.Equal(t, s.CompactRev(), restored.CompactRev(), "step %d", step)
	require.Equal(t, s.AppliedIndex(), restored.AppliedIndex(), "step %d", step)
	for _, rev := range []int64{0, max(1, s.CompactRev()) + r.Int64N(s.Rev()-max(1, s.CompactRev())+1)} {
		want, wantCompact, err := s.HashKV(rev)
		require.NoError(t, err, "step %d", step)
		got, gotCompact, err := restored.HashKV(rev)
		require.NoError(t, err, "step %d", step)
		require.Equal(t, want, got, "step %d: HashKV(%d) after restore", step, rev)
		require.Equal(t, wantCompact, gotCompact, "step %d", step)
	}
	require.Equal(t, snap, restored.Snapshot(), "step %d: a restored copy snapshots to the same bytes", step)

	before := restored.Hash()
	require.Error(t, restored.Restore(snap[:r.IntN(len(snap))]), "step %d: a truncated snapshot", step)
	require.Equal(t, before, restored.Hash(), "step %d: a refused snapshot changes nothing", step)

	require.NoError(t, s.Restore(snap), "step %d: restore in place", step)
	require.Equal(t, before, s.Hash(), "step %d: state hash after restoring in place", step)
}

// describe names a request for failure messages.
func describe(req *kvstate.Request) string {
	switch {
	case req.Range != nil:
		return fmt.Sprintf("range %+v", *req.Range)
	case req.Put != nil:
		return fmt.Sprintf("put %+v", *req.Put)
	case req.DeleteRange != nil:
		return fmt.Sprintf("delete %+v", *req.DeleteRange)
	case req.Txn != nil:
		return fmt.Sprintf("txn %d compares, %d then, %d else", len(req.Txn.Compare), len(req.Txn.Success), len(req.Txn.Failure))
	case req.Compaction != nil:
		return fmt.Sprintf("compact %d", req.Compaction.Revision)
	case req.LeaseGrant != nil:
		return fmt.Sprintf("grant ttl %d", req.LeaseGrant.TTL)
	case req.LeaseRevoke != nil:
		return fmt.Sprintf("revoke %d", req.LeaseRevoke.ID)
	}
	return "unknown request"
}
