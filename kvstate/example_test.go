package kvstate_test

import (
	"fmt"
	"time"

	"github.com/raft-playground/playground/kvstate"
)

// The member's loop: encode a client's request into an entry, apply each
// committed entry, hand the response to the waiting client, and deliver the
// watch responses the writes queued.
func Example() {
	s := kvstate.New(kvstate.Options{})
	ws := s.NewWatchStream(0)
	if _, err := ws.Watch(kvstate.WatchRequest{Key: "/svc/", RangeEnd: kvstate.PrefixEnd("/svc/")}); err != nil {
		panic(err)
	}

	requests := []kvstate.Request{
		{ID: 1, Put: &kvstate.PutRequest{Key: "/svc/a", Value: "10.0.0.1"}},
		{ID: 2, Txn: &kvstate.TxnRequest{
			Compare: []kvstate.Compare{{Key: "/svc/a", Target: kvstate.CompareValue, Value: "10.0.0.1"}},
			Success: []kvstate.Op{{Put: &kvstate.PutRequest{Key: "/svc/a", Value: "10.0.0.2"}}},
		}},
		{ID: 3, Put: &kvstate.PutRequest{Key: "/svc/b", Lease: 99}},
	}
	for i, req := range requests {
		data, err := req.Encode() // the Raft entry's data
		if err != nil {
			panic(err)
		}
		resp, err := s.Apply(uint64(i+1), 0, data)
		if err != nil {
			panic(err)
		}
		fmt.Printf("request %d: revision %d, error: %v\n", resp.ID, resp.Header.Revision, resp.Err)
	}

	for _, wr := range ws.Take() {
		for _, ev := range wr.Events {
			fmt.Printf("watch %d: %s %s=%s at %d\n", wr.WatchID, ev.Type, ev.KV.Key, ev.KV.Value, ev.KV.ModRevision)
		}
	}

	old, err := s.Range(&kvstate.RangeRequest{Key: "/svc/a", Revision: 2})
	if err != nil {
		panic(err)
	}
	fmt.Printf("/svc/a at revision 2: %s\n", old.KVs[0].Value)
	// Output:
	// request 1: revision 2, error: <nil>
	// request 2: revision 3, error: <nil>
	// request 3: revision 3, error: kvstate: requested lease not found: put of "/svc/b" with lease 99
	// watch 0: PUT /svc/a=10.0.0.1 at 2
	// watch 0: PUT /svc/a=10.0.0.2 at 3
	// /svc/a at revision 2: 10.0.0.1
}

// Only the leader's lessor counts leases down; the member turns what
// ExpiredLeases reports into LeaseRevoke entries.
func ExampleStore_ExpiredLeases() {
	s := kvstate.New(kvstate.Options{})
	s.Promote(0, 0) // this member became leader
	grant, _ := (&kvstate.Request{LeaseGrant: &kvstate.LeaseGrantRequest{TTL: 5}}).Encode()
	resp, _ := s.Apply(1, 0, grant)
	id := resp.LeaseGrant.ID

	fmt.Println("at 4s:", s.ExpiredLeases(4*time.Second))
	fmt.Println("at 5s:", s.ExpiredLeases(5*time.Second))
	revoke, _ := (&kvstate.Request{LeaseRevoke: &kvstate.LeaseRevokeRequest{ID: id}}).Encode()
	resp, _ = s.Apply(2, 5*time.Second, revoke)
	fmt.Println("revoked:", resp.Err == nil, "leases left:", len(s.Leases(5*time.Second)))
	// Output:
	// at 4s: []
	// at 5s: [1]
	// revoked: true leases left: 0
}
