package member

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/raft-playground/playground/core/raft"
	"github.com/raft-playground/playground/kvstate"
)

// testCluster drives members in lock step: every message is delivered at
// once, every sync completes at once unless a member is told to hold it, and
// isolated members neither send nor receive.
type testCluster struct {
	t        *testing.T
	members  map[uint64]*Member
	down     map[uint64]bool
	isolated map[uint64]bool
	holdSync map[uint64]bool
	replies  []Reply
	events   []Event
	nowUs    int64
	rng      *rand.Rand
}

const testTickUs = 10_000

func testConfig(id uint64, voters []uint64, rng *rand.Rand) Config {
	return Config{
		ID: id, Voters: voters, ElectionTick: 10, HeartbeatTick: 1, TickUs: testTickUs,
		PreVote: true, CheckQuorum: true, MaxInflight: 256, MaxSizePerMsg: 1 << 20, Rand: rng,
	}
}

func newTestCluster(t *testing.T, n int, tweak func(*Config)) *testCluster {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	voters := make([]uint64, n)
	for i := range voters {
		voters[i] = uint64(i + 1)
	}
	c := &testCluster{t: t, members: map[uint64]*Member{}, down: map[uint64]bool{},
		isolated: map[uint64]bool{}, holdSync: map[uint64]bool{}, rng: rng}
	for _, id := range voters {
		cfg := testConfig(id, voters, rng)
		if tweak != nil {
			tweak(&cfg)
		}
		m, err := New(cfg)
		require.NoError(t, err)
		c.members[id] = m
	}
	return c
}

func (c *testCluster) ids() []uint64 {
	ids := make([]uint64, 0, len(c.members))
	for id := range c.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// settle processes every member until no member has work and no message is
// in flight.
func (c *testCluster) settle() {
	for range 1000 {
		var msgs []raft.Message
		busy := false
		for _, id := range c.ids() {
			if c.down[id] {
				continue
			}
			m := c.members[id]
			c.collect(id, m.Flush(), &msgs)
			for m.HasWork() {
				busy = true
				c.collect(id, m.Process(c.nowUs), &msgs)
				if m.NeedsSync() && !c.holdSync[id] {
					c.collect(id, m.Synced(c.nowUs), &msgs)
				}
				if m.NeedsSync() {
					break
				}
			}
		}
		for _, msg := range msgs {
			busy = true
			if c.down[msg.To] || c.isolated[msg.To] || c.isolated[msg.From] {
				continue
			}
			if to, ok := c.members[msg.To]; ok {
				to.Deliver(msg, c.nowUs)
			}
		}
		if !busy {
			return
		}
	}
	c.t.Fatal("cluster did not settle")
}

func (c *testCluster) collect(id uint64, out Output, msgs *[]raft.Message) {
	*msgs = append(*msgs, out.Messages...)
	c.replies = append(c.replies, out.Replies...)
	c.events = append(c.events, out.Events...)
}

// tick advances every live member by n ticks, settling after each.
func (c *testCluster) tick(n int) {
	for range n {
		c.nowUs += testTickUs
		for _, id := range c.ids() {
			if !c.down[id] {
				c.members[id].Tick(c.nowUs)
			}
		}
		c.settle()
	}
}

func (c *testCluster) leader() uint64 {
	var lead, term uint64
	for _, id := range c.ids() {
		if c.down[id] {
			continue
		}
		st := c.members[id].Status()
		if st.RaftState == raft.StateLeader && st.Term >= term {
			lead, term = id, st.Term
		}
	}
	return lead
}

func (c *testCluster) electLeader() uint64 {
	c.t.Helper()
	for range 200 {
		if l := c.leader(); l != 0 {
			return l
		}
		c.tick(1)
	}
	c.t.Fatal("no leader elected")
	return 0
}

func (c *testCluster) submit(at uint64, req Request) {
	c.members[at].Submit(req, c.nowUs)
	c.settle()
}

// reply returns the reply to the request with the given ID, failing the test
// when there is none.
func (c *testCluster) reply(id uint64) Reply {
	c.t.Helper()
	for _, r := range c.replies {
		if r.ID == id {
			return r
		}
	}
	c.t.Fatalf("no reply to request %d", id)
	return Reply{}
}

func (c *testCluster) hasReply(id uint64) bool {
	for _, r := range c.replies {
		if r.ID == id {
			return true
		}
	}
	return false
}

func put(client string, id uint64, key, value string) Request {
	return Request{Client: client, ID: id, Kind: RequestWrite,
		Write: &kvstate.Request{Put: &kvstate.PutRequest{Key: key, Value: value}}}
}

func get(client string, id uint64, key string, serializable bool) Request {
	return Request{Client: client, ID: id, Kind: RequestRead, Serializable: serializable,
		Read: &kvstate.RangeRequest{Key: key}}
}

func (c *testCluster) follower(not ...uint64) uint64 {
	for _, id := range c.ids() {
		if id != c.leader() && !c.down[id] && !slices.Contains(not, id) {
			return id
		}
	}
	c.t.Fatal("no follower")
	return 0
}
