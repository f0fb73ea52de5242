// Package concurrency holds etcd's lock and election recipes (the ones in
// etcd's client/v3/concurrency) as client-side state machines over the
// kvstate request types.
//
// A recipe never performs I/O. Every call that starts an operation, and every
// response or watch message handed to a recipe, returns a Step: the next
// thing the driver (a simulated client) must do. The driver carries out the
// parts of a Step in field order:
//
//  1. CancelWatch: cancel the watch it opened for this recipe, and deliver
//     nothing more from it.
//  2. Send: send the request to the cluster and hand the store's response to
//     the recipe's HandleResponse. The driver may set Send.ID (before the
//     first send, or again before a retry); HandleResponse ignores a response
//     whose ID is not the in-flight request's, so duplicated or stale
//     responses are harmless. Every request a recipe sends is safe to repeat,
//     so a driver retries a lost request by sending it again. Transport
//     failures (a timeout, no leader) are the driver's business: only the
//     store's response, with or without Response.Err, goes to the recipe.
//  3. Watch: open the watch on the client's watch stream and hand every
//     response of that watch to HandleWatch. If the watch breaks (the
//     connection to the member is lost), either resume it on another member
//     from the revision after the last header the recipe saw, or hand the
//     recipe a WatchResponse with Canceled set: it then reads again and asks
//     for a new watch. Events the recipe already saw may be delivered again.
//  4. Done: the operation is over, Err says how it ended.
//
// A zero Step means the recipe is waiting for a response or a watch event
// that is already under way. A recipe has at most one request in flight and
// at most one watch open.
//
// Calls that cannot start (a Lock while the mutex is busy, a Proclaim by a
// non-leader) return an error and change nothing; an operation that started
// reports its outcome through Step.Done and Step.Err.
//
// The session's lease is kept alive by the driver, not by the recipes: the
// driver renews Session.Lease() about every Session.TTL()/3 seconds, and when
// a renewal says the lease is gone it calls SessionExpired on every recipe
// that uses the session (or Session.Expire when none does), which is how a
// holder notices that its lock is lost.
package concurrency
