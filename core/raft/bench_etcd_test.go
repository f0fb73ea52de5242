//go:build unix

package raft_test

import (
	"fmt"
	"io"
	"log"
	"math"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	etcdraft "go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"

	"github.com/raft-playground/playground/core/raft"
)

// BenchmarkProposals measures committed proposals per second for our Raft
// and for etcd's (go.etcd.io/raft/v3) under the same workload, so that the
// ratio is read from one run:
//
//	go test -run '^$' -bench BenchmarkProposals -benchmem ./core/raft
//
// Each iteration is one proposal. Proposals go to the leader in batches;
// after each batch the cluster runs until it is quiet: every Ready is
// persisted to a MemoryStorage, its messages are delivered at once, its
// committed entries applied, and Advance called. Both clusters start from the
// same state (a snapshot at index 1 naming the voters), use the same limits
// and never tick, so only replication is measured.
//
// Besides ns/op (wall time) it reports cpu-ns/op, the process's CPU time per
// proposal (user plus system, GC included): on a shared machine wall time
// also counts the time other processes held the CPU, CPU time does not.
func BenchmarkProposals(b *testing.B) {
	for _, voters := range []int{3, 5} {
		for _, batch := range []int{1, 16} {
			b.Run(fmt.Sprintf("ours/voters=%d/batch=%d", voters, batch), func(b *testing.B) {
				benchmarkProposals(b, newOurCluster(b, voters), batch)
			})
			b.Run(fmt.Sprintf("etcd/voters=%d/batch=%d", voters, batch), func(b *testing.B) {
				benchmarkProposals(b, newEtcdCluster(b, voters), batch)
			})
		}
	}
}

// benchPayloadBytes is the size of each proposal's data.
const benchPayloadBytes = 64

// benchCluster is a cluster, ours or etcd's, with an elected leader.
type benchCluster interface {
	// propose proposes data at the leader.
	propose(data []byte) error
	// runUntilQuiet processes Readys and delivers messages until none are
	// left.
	runUntilQuiet() error
	// appliedProposals returns how many proposals every member applied
	// (the smallest count among the members).
	appliedProposals() int
}

func benchmarkProposals(b *testing.B, c benchCluster, batch int) {
	data := make([]byte, benchPayloadBytes)
	b.ReportAllocs()
	cpuBefore := processCPUTime(b)
	b.ResetTimer()
	for done := 0; done < b.N; done += batch {
		for range min(batch, b.N-done) {
			if err := c.propose(data); err != nil {
				b.Fatal(err)
			}
		}
		if err := c.runUntilQuiet(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := processCPUTime(b) - cpuBefore
	if got := c.appliedProposals(); got != b.N {
		b.Fatalf("%d proposals applied on every member, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// processCPUTime returns the CPU time the process has used so far.
func processCPUTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestBenchClustersCommit checks the benchmark's clusters themselves: every
// proposal is applied by every member, in both implementations.
func TestBenchClustersCommit(t *testing.T) {
	for _, voters := range []int{3, 5} {
		clusters := map[string]benchCluster{"ours": newOurCluster(t, voters), "etcd": newEtcdCluster(t, voters)}
		for _, name := range []string{"ours", "etcd"} {
			t.Run(fmt.Sprintf("%s/voters=%d", name, voters), func(t *testing.T) {
				c := clusters[name]
				for range 10 {
					for range 7 {
						require.NoError(t, c.propose([]byte("x")))
					}
					require.NoError(t, c.runUntilQuiet())
				}
				require.Equal(t, 70, c.appliedProposals())
			})
		}
	}
}

// ourCluster is the benchmark cluster built on this package.
type ourCluster struct {
	nodes   []*raft.RawNode // nodes[i] has ID i+1; nodes[0] leads
	storage []*raft.MemoryStorage
	applied []int
	// queue and spare alternate as the list of messages to deliver, so the
	// steady state allocates no message lists.
	queue, spare []raft.Message
}

func newOurCluster(tb testing.TB, voters int) *ourCluster {
	c := &ourCluster{applied: make([]int, voters)}
	var ids []uint64
	for id := range uint64(voters) {
		ids = append(ids, id+1)
	}
	for _, id := range ids {
		s := raft.NewMemoryStorage()
		require.NoError(tb, s.ApplySnapshot(raft.Snapshot{Metadata: raft.SnapshotMetadata{
			Index: 1, Term: 1, ConfState: raft.ConfState{Voters: ids}}}))
		require.NoError(tb, s.SetHardState(raft.HardState{Term: 1, Commit: 1}))
		rn, err := raft.NewRawNode(&raft.Config{
			ID:              id,
			ElectionTick:    10,
			HeartbeatTick:   1,
			Storage:         s,
			MaxSizePerMsg:   math.MaxUint64,
			MaxInflightMsgs: 256,
			Rand:            fixedRand{},
		})
		require.NoError(tb, err)
		c.nodes = append(c.nodes, rn)
		c.storage = append(c.storage, s)
	}
	require.NoError(tb, c.nodes[0].Campaign())
	require.NoError(tb, c.runUntilQuiet())
	require.Equal(tb, raft.StateLeader, c.nodes[0].Status().RaftState)
	return c
}

// fixedRand always draws 0: the benchmark never ticks, so the election
// timeout does not matter, and a fixed source keeps setup identical.
type fixedRand struct{}

func (fixedRand) IntN(int) int { return 0 }

func (c *ourCluster) propose(data []byte) error { return c.nodes[0].Propose(data) }

func (c *ourCluster) runUntilQuiet() error {
	for {
		for i, rn := range c.nodes {
			for rn.HasReady() {
				rd := rn.Ready()
				if err := c.storage[i].Append(rd.Entries); err != nil {
					return err
				}
				if !rd.HardState.IsEmpty() {
					if err := c.storage[i].SetHardState(rd.HardState); err != nil {
						return err
					}
				}
				c.queue = append(c.queue, rd.Messages...)
				for _, e := range rd.CommittedEntries {
					if e.Type == raft.EntryNormal && len(e.Data) > 0 {
						c.applied[i]++
					}
				}
				rn.Advance(rd)
			}
		}
		if len(c.queue) == 0 {
			return nil
		}
		msgs := c.queue
		c.queue = c.spare[:0]
		for _, m := range msgs {
			if err := c.nodes[m.To-1].Step(m); err != nil {
				return err
			}
		}
		clear(msgs) // drop references to delivered entries
		c.spare = msgs[:0]
	}
}

func (c *ourCluster) appliedProposals() int { return slices.Min(c.applied) }

// etcdCluster is the same cluster built on go.etcd.io/raft/v3.
type etcdCluster struct {
	nodes        []*etcdraft.RawNode
	storage      []*etcdraft.MemoryStorage
	applied      []int
	queue, spare []*pb.Message
}

func newEtcdCluster(tb testing.TB, voters int) *etcdCluster {
	c := &etcdCluster{applied: make([]int, voters)}
	var ids []uint64
	for id := range uint64(voters) {
		ids = append(ids, id+1)
	}
	quiet := &etcdraft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}
	for _, id := range ids {
		s := etcdraft.NewMemoryStorage()
		require.NoError(tb, s.ApplySnapshot(&pb.Snapshot{Metadata: &pb.SnapshotMetadata{
			Index: proto.Uint64(1), Term: proto.Uint64(1), ConfState: &pb.ConfState{Voters: ids}}}))
		require.NoError(tb, s.SetHardState(&pb.HardState{Term: proto.Uint64(1), Commit: proto.Uint64(1)}))
		rn, err := etcdraft.NewRawNode(&etcdraft.Config{
			ID:              id,
			ElectionTick:    10,
			HeartbeatTick:   1,
			Storage:         s,
			MaxSizePerMsg:   math.MaxUint64,
			MaxInflightMsgs: 256,
			Logger:          quiet,
		})
		require.NoError(tb, err)
		c.nodes = append(c.nodes, rn)
		c.storage = append(c.storage, s)
	}
	require.NoError(tb, c.nodes[0].Campaign())
	require.NoError(tb, c.runUntilQuiet())
	require.Equal(tb, etcdraft.StateLeader, c.nodes[0].BasicStatus().RaftState)
	return c
}

func (c *etcdCluster) propose(data []byte) error { return c.nodes[0].Propose(data) }

func (c *etcdCluster) runUntilQuiet() error {
	for {
		for i, rn := range c.nodes {
			for rn.HasReady() {
				rd := rn.Ready()
				if err := c.storage[i].Append(rd.Entries); err != nil {
					return err
				}
				if rd.HardState != nil {
					if err := c.storage[i].SetHardState(rd.HardState); err != nil {
						return err
					}
				}
				c.queue = append(c.queue, rd.Messages...)
				for _, e := range rd.CommittedEntries {
					if e.GetType() == pb.EntryNormal && len(e.GetData()) > 0 {
						c.applied[i]++
					}
				}
				rn.Advance(rd)
			}
		}
		if len(c.queue) == 0 {
			return nil
		}
		msgs := c.queue
		c.queue = c.spare[:0]
		for _, m := range msgs {
			if err := c.nodes[m.GetTo()-1].Step(m); err != nil {
				return err
			}
		}
		clear(msgs)
		c.spare = msgs[:0]
	}
}

func (c *etcdCluster) appliedProposals() int { return slices.Min(c.applied) }
