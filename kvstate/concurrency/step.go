package concurrency

import "github.com/raft-playground/playground/kvstate"

// Step is what a recipe asks its driver to do next; the driver carries out
// the fields in the order they are declared (see the package documentation).
// At most one of Send and Watch is set.
type Step struct {
	// CancelWatch asks the driver to cancel the watch it opened for the
	// recipe.
	CancelWatch bool
	// Send is a request to send; its response goes to HandleResponse.
	Send *kvstate.Request
	// Watch is a watch to open; its responses go to HandleWatch.
	Watch *kvstate.WatchRequest
	// Done reports that the operation ended, successfully when Err is nil.
	Done bool
	Err  error
	// Observed lists the leader versions an Observer saw, oldest first: a new
	// leader, or a new value proclaimed by the same leader.
	Observed []kvstate.KeyValue
}

// exchange is the one request a recipe has in flight.
type exchange struct {
	// req is the in-flight request (nil: none). The driver may renumber its
	// ID, which is why the recipe keeps the pointer it handed out.
	req *kvstate.Request
}

// send records req as in flight and returns the Step that sends it.
func (x *exchange) send(req *kvstate.Request) Step {
	x.req = req
	return Step{Send: req}
}

// busy reports whether a request is in flight.
func (x *exchange) busy() bool { return x.req != nil }

// accept reports whether resp answers the in-flight request and, if it does,
// marks the exchange idle.
func (x *exchange) accept(resp kvstate.Response) bool {
	if x.req == nil || resp.ID != x.req.ID {
		return false
	}
	x.req = nil
	return true
}

// drop forgets the in-flight request, so its response will be ignored.
func (x *exchange) drop() { x.req = nil }
