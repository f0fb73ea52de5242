package kvstate

import "fmt"

// The command encoding is a compact binary form: a format byte, the request
// ID, then a tag byte naming the operation and the operation's fields in a
// fixed order (varints and length-prefixed strings). Fixed order and no maps
// make it deterministic; keys may be any bytes (a prefix end need not be
// UTF-8), which a text format such as JSON would not carry faithfully.
const commandFormat byte = 1

// Operation tags of the command encoding.
const (
	tagRange byte = iota + 1
	tagPut
	tagDeleteRange
	tagTxn
	tagCompaction
	tagLeaseGrant
	tagLeaseRevoke
	tagLeaseCheckpoint
)

// maxTxnDepth bounds the nesting of transactions Decode accepts, so garbage
// cannot recurse without end.
const maxTxnDepth = 64

// Encode returns the request's deterministic binary encoding for a Raft
// entry. It fails only when the request, or an operation of a transaction in
// it, does not carry exactly one operation; Validate checks the rest.
func (r *Request) Encode() ([]byte, error) {
	e := &encoder{}
	e.byte(commandFormat)
	e.uint(r.ID)
	var err error
	switch n := r.opCount(); {
	case n != 1:
		return nil, fmt.Errorf("%w: a request must carry exactly one operation, this one carries %d", ErrMalformedRequest, n)
	case r.Range != nil:
		e.byte(tagRange)
		encodeRange(e, r.Range)
	case r.Put != nil:
		e.byte(tagPut)
		encodePut(e, r.Put)
	case r.DeleteRange != nil:
		e.byte(tagDeleteRange)
		encodeDeleteRange(e, r.DeleteRange)
	case r.Txn != nil:
		e.byte(tagTxn)
		err = encodeTxn(e, r.Txn)
	case r.Compaction != nil:
		e.byte(tagCompaction)
		e.int(r.Compaction.Revision)
	case r.LeaseGrant != nil:
		e.byte(tagLeaseGrant)
		e.int(int64(r.LeaseGrant.ID))
		e.int(r.LeaseGrant.TTL)
	case r.LeaseRevoke != nil:
		e.byte(tagLeaseRevoke)
		e.int(int64(r.LeaseRevoke.ID))
	case r.LeaseCheckpoint != nil:
		e.byte(tagLeaseCheckpoint)
		e.uint(uint64(len(r.LeaseCheckpoint.Checkpoints)))
		for _, cp := range r.LeaseCheckpoint.Checkpoints {
			e.int(int64(cp.ID))
			e.int(cp.RemainingTTL)
		}
	}
	if err != nil {
		return nil, err
	}
	return e.buf, nil
}

func (r *Request) opCount() int {
	n := 0
	for _, set := range []bool{r.Range != nil, r.Put != nil, r.DeleteRange != nil, r.Txn != nil,
		r.Compaction != nil, r.LeaseGrant != nil, r.LeaseRevoke != nil, r.LeaseCheckpoint != nil} {
		if set {
			n++
		}
	}
	return n
}

func (o *Op) opCount() int {
	n := 0
	for _, set := range []bool{o.Range != nil, o.Put != nil, o.DeleteRange != nil, o.Txn != nil} {
		if set {
			n++
		}
	}
	return n
}

func encodeRange(e *encoder, r *RangeRequest) {
	e.string(r.Key)
	e.string(r.RangeEnd)
	e.int(r.Limit)
	e.int(r.Revision)
	e.byte(byte(r.SortOrder))
	e.byte(byte(r.SortTarget))
	e.bool(r.KeysOnly)
	e.bool(r.CountOnly)
	e.int(r.MinModRevision)
	e.int(r.MaxModRevision)
	e.int(r.MinCreateRevision)
	e.int(r.MaxCreateRevision)
}

func encodePut(e *encoder, r *PutRequest) {
	e.string(r.Key)
	e.string(r.Value)
	e.int(int64(r.Lease))
	e.bool(r.PrevKV)
	e.bool(r.IgnoreValue)
	e.bool(r.IgnoreLease)
}

func encodeDeleteRange(e *encoder, r *DeleteRangeRequest) {
	e.string(r.Key)
	e.string(r.RangeEnd)
	e.bool(r.PrevKV)
}

func encodeTxn(e *encoder, t *TxnRequest) error {
	e.uint(uint64(len(t.Compare)))
	for _, c := range t.Compare {
		e.string(c.Key)
		e.string(c.RangeEnd)
		e.byte(byte(c.Target))
		e.byte(byte(c.Result))
		e.int(c.Version)
		e.int(c.CreateRevision)
		e.int(c.ModRevision)
		e.string(c.Value)
		e.int(int64(c.Lease))
	}
	for _, branch := range [][]Op{t.Success, t.Failure} {
		e.uint(uint64(len(branch)))
		for i := range branch {
			op := &branch[i]
			switch n := op.opCount(); {
			case n != 1:
				return fmt.Errorf("%w: a txn operation must carry exactly one request, this one carries %d", ErrMalformedRequest, n)
			case op.Range != nil:
				e.byte(tagRange)
				encodeRange(e, op.Range)
			case op.Put != nil:
				e.byte(tagPut)
				encodePut(e, op.Put)
			case op.DeleteRange != nil:
				e.byte(tagDeleteRange)
				encodeDeleteRange(e, op.DeleteRange)
			case op.Txn != nil:
				e.byte(tagTxn)
				if err := encodeTxn(e, op.Txn); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Decode parses an encoded request. Anything that is not a complete encoding
// (wrong format byte, unknown tag, truncation, trailing bytes) gives an
// ErrDecode error naming what was being read and where. Decode checks
// structure only; Validate and Apply check meaning.
func Decode(data []byte) (*Request, error) {
	d := &decoder{buf: data}
	if f := d.byte("format"); d.err == nil && f != commandFormat {
		d.fail("format", "unknown command format %d (want %d)", f, commandFormat)
	}
	r := &Request{ID: d.uint("request ID")}
	switch tag := d.byte("operation tag"); tag {
	case tagRange:
		r.Range = decodeRange(d)
	case tagPut:
		r.Put = decodePut(d)
	case tagDeleteRange:
		r.DeleteRange = decodeDeleteRange(d)
	case tagTxn:
		r.Txn = decodeTxn(d, 1)
	case tagCompaction:
		r.Compaction = &CompactionRequest{Revision: d.int("compaction revision")}
	case tagLeaseGrant:
		r.LeaseGrant = &LeaseGrantRequest{ID: LeaseID(d.int("lease ID")), TTL: d.int("lease TTL")}
	case tagLeaseRevoke:
		r.LeaseRevoke = &LeaseRevokeRequest{ID: LeaseID(d.int("lease ID"))}
	case tagLeaseCheckpoint:
		n := d.count("checkpoint count")
		cps := make([]LeaseCheckpoint, 0, n)
		for range n {
			cps = append(cps, LeaseCheckpoint{ID: LeaseID(d.int("checkpoint lease ID")), RemainingTTL: d.int("checkpoint TTL")})
		}
		r.LeaseCheckpoint = &LeaseCheckpointRequest{Checkpoints: cps}
	default:
		if d.err == nil {
			d.off--
			d.fail("operation tag", "unknown operation tag %d", tag)
		}
	}
	d.finish("request")
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

func decodeRange(d *decoder) *RangeRequest {
	return &RangeRequest{
		Key:               d.string("range key"),
		RangeEnd:          d.string("range end"),
		Limit:             d.int("range limit"),
		Revision:          d.int("range revision"),
		SortOrder:         SortOrder(d.byte("sort order")),
		SortTarget:        SortTarget(d.byte("sort target")),
		KeysOnly:          d.bool("keys only"),
		CountOnly:         d.bool("count only"),
		MinModRevision:    d.int("min mod revision"),
		MaxModRevision:    d.int("max mod revision"),
		MinCreateRevision: d.int("min create revision"),
		MaxCreateRevision: d.int("max create revision"),
	}
}

func decodePut(d *decoder) *PutRequest {
	return &PutRequest{
		Key:         d.string("put key"),
		Value:       d.string("put value"),
		Lease:       LeaseID(d.int("put lease")),
		PrevKV:      d.bool("put prev kv"),
		IgnoreValue: d.bool("put ignore value"),
		IgnoreLease: d.bool("put ignore lease"),
	}
}

func decodeDeleteRange(d *decoder) *DeleteRangeRequest {
	return &DeleteRangeRequest{
		Key:      d.string("delete key"),
		RangeEnd: d.string("delete range end"),
		PrevKV:   d.bool("delete prev kv"),
	}
}

func decodeTxn(d *decoder, depth int) *TxnRequest {
	t := &TxnRequest{}
	if depth > maxTxnDepth {
		d.fail("txn", "transactions nested deeper than %d", maxTxnDepth)
		return t
	}
	n := d.count("compare count")
	for range n {
		t.Compare = append(t.Compare, Compare{
			Key:            d.string("compare key"),
			RangeEnd:       d.string("compare range end"),
			Target:         CompareTarget(d.byte("compare target")),
			Result:         CompareResult(d.byte("compare result")),
			Version:        d.int("compare version"),
			CreateRevision: d.int("compare create revision"),
			ModRevision:    d.int("compare mod revision"),
			Value:          d.string("compare value"),
			Lease:          LeaseID(d.int("compare lease")),
		})
	}
	for _, branch := range []*[]Op{&t.Success, &t.Failure} {
		n := d.count("txn operation count")
		for range n {
			var op Op
			switch tag := d.byte("txn operation tag"); tag {
			case tagRange:
				op.Range = decodeRange(d)
			case tagPut:
				op.Put = decodePut(d)
			case tagDeleteRange:
				op.DeleteRange = decodeDeleteRange(d)
			case tagTxn:
				op.Txn = decodeTxn(d, depth+1)
			default:
				d.fail("txn operation tag", "unknown txn operation tag %d", tag)
			}
			if d.err != nil {
				return t
			}
			*branch = append(*branch, op)
		}
	}
	return t
}
