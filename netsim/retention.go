package netsim

// BrowserConfig is DefaultConfig for a session a learner drives from the
// page, which may be left running for an hour or more. Everything such a
// session keeps is bounded by it:
//
//   - members take a snapshot every 100 applied entries and keep 5 for slow
//     followers, the ratio of etcd's defaults (100000 and 5000) at a scale
//     where a learner sees compaction and InstallSnapshot happen, so logs
//     and WALs stop growing with the session;
//   - the trace keeps the last five virtual minutes (an idle five-member
//     cluster records about 320 events a virtual second, a busy one a few
//     thousand), older events are dropped a chunk at a time;
//   - checkpoints are thinned with age (DefaultConfig's CheckpointDense);
//   - the leader auto-compacts the store's revision history as etcd's
//     revision mode does, keeping the last 1000 revisions and checking
//     every virtual minute (DefaultConfig's AutoCompactEvery). etcd checks
//     every 5 minutes; the playground's 150 ms election timeout is about a
//     fifth of etcd's default 1 s, so its minute is etcd's 5 minutes at the
//     playground's scale. A learner writing 5 times a second passes 1000
//     revisions in under four minutes and sees the first compaction a
//     minute or so later; the history then stays below about 1300
//     revisions. An hour of that holds 246 MB of heap instead of 577 MB
//     (BenchmarkLongBrowserSession, natively).
//
// Snapshotting and auto-compaction change what happens, so a script that
// sets snapshot-every or auto-compact keeps its own value, and the recorded
// script states the value used, so a share link replays the same anywhere. The trace window and the
// checkpoints change only what is remembered, never what happens.
func BrowserConfig() Config {
	cfg := DefaultConfig()
	cfg.SnapshotEvery = 100
	cfg.SnapshotCatchUp = 5
	cfg.TraceKeep = 5 * Minute
	cfg.AutoCompactRetention = BrowserAutoCompactRetention
	return cfg
}

// BrowserAutoCompactRetention is how many revisions BrowserConfig's
// auto-compaction keeps.
const BrowserAutoCompactRetention = 1000

// EventWindow reports which trace records the world holds: those whose Seq
// is in (dropped, total]. total counts every record so far (the cursor at the
// end); the records up to dropped are gone (Config.TraceKeep), so a cursor
// below it cannot be served in full: Events(cursor) starts at dropped+1.
func (w *World) EventWindow() (dropped, total int) {
	return min(w.tl.records.base, w.nRecords), w.nRecords
}
