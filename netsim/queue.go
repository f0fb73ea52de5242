package netsim

import "container/heap"

// eventKind says what a scheduled event does when its time comes.
type eventKind uint8

const (
	evTick          eventKind = iota + 1 // a member's raft tick
	evDeliver                            // a raft message reaches its receiver
	evSynced                             // a member's WAL sync completes
	evClientArrive                       // a client request reaches a member
	evClientReply                        // a member's reply reaches a client
	evClientTimeout                      // a client gives up waiting for one attempt
	evClientRetry                        // a client tries again after a pause
	evKeepAlive                          // a client renews a lease it keeps alive
	evWatchResume                        // a client reopens a broken watch
	evRecipeRetry                        // a client resends a lock recipe's request
)

// event is one entry of the world's queue. Which fields matter depends on
// kind; incarnation lets a crash invalidate the events of the member's
// previous life without searching the queue.
type event struct {
	at          Time
	seq         uint64 // Invariant: unique and increasing in scheduling order; breaks ties in at.
	kind        eventKind
	member      uint64
	incarnation uint64
	id          uint64 // message id, attempt id or lease slot, by kind
	client      int    // index into World.clients
}

// eventQueue is a min-heap on (at, seq): events at the same virtual time run
// in the order they were scheduled, so the order never depends on the heap.
type eventQueue []event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// scheduler owns the queue and the sequence counter.
type scheduler struct {
	queue   eventQueue
	nextSeq uint64
}

// schedule queues e to run at e.at.
func (s *scheduler) schedule(e event) {
	s.nextSeq++
	e.seq = s.nextSeq
	heap.Push(&s.queue, e)
}

// pop removes and returns the earliest event.
func (s *scheduler) pop() (event, bool) {
	if len(s.queue) == 0 {
		return event{}, false
	}
	return heap.Pop(&s.queue).(event), true
}

// peek returns the earliest event without removing it.
func (s *scheduler) peek() (event, bool) {
	if len(s.queue) == 0 {
		return event{}, false
	}
	return s.queue[0], true
}
