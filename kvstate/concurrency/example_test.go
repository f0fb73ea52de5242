package concurrency_test

import (
	"fmt"

	"github.com/raft-playground/playground/kvstate"
	"github.com/raft-playground/playground/kvstate/concurrency"
)

// Example drives two clients' mutexes against one store the way a
// simulated client does: send what the Step asks, feed back the response,
// open the watch it asks for and feed back its responses.
func Example() {
	store := kvstate.New(kvstate.Options{})
	index := uint64(0)
	send := func(req *kvstate.Request) kvstate.Response {
		index++
		req.ID = index // the driver numbers requests; the recipe matches by ID
		resp, err := store.ApplyRequest(index, 0, req)
		if err != nil {
			panic(err)
		}
		return resp
	}
	stream := store.NewWatchStream(0) // c2's watch stream
	var watchID kvstate.WatchID

	// drive carries out steps until the recipe waits for a watch event.
	drive := func(name string, m *concurrency.Mutex, step concurrency.Step) {
		for {
			if step.CancelWatch {
				_ = stream.Cancel(watchID)
			}
			if step.Send != nil {
				step = m.HandleResponse(send(step.Send))
				continue
			}
			if step.Watch != nil {
				watchID, _ = stream.Watch(*step.Watch)
			}
			if step.Done {
				fmt.Printf("%s: done, err=%v, state %s, fencing token %d\n", name, step.Err, m.State(), m.Revision())
			}
			return
		}
	}
	open := func() *concurrency.Session {
		s := concurrency.NewSession(10)
		step, _ := s.Open()
		s.HandleResponse(send(step.Send))
		return s
	}

	m1 := concurrency.NewMutex(open(), "mylock")
	m2 := concurrency.NewMutex(open(), "mylock")
	step, _ := m1.Lock()
	drive("c1", m1, step)
	step, _ = m2.Lock()
	drive("c2", m2, step)
	ahead, _ := m2.WaitingOn()
	fmt.Printf("c2: %s, waiting on %s\n", m2.State(), ahead.Key)

	step, _ = m1.Unlock()
	drive("c1", m1, step)
	for _, wr := range stream.Take() {
		if wr.WatchID == watchID {
			drive("c2", m2, m2.HandleWatch(wr))
		}
	}
	// Output:
	// c1: done, err=<nil>, state held, fencing token 2
	// c2: waiting, waiting on mylock/1
	// c1: done, err=<nil>, state idle, fencing token 0
	// c2: done, err=<nil>, state held, fencing token 3
}
