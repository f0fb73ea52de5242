package netsim

// Footprint counts what a world keeps in memory that could grow with the
// length of a session, so that tests and benchmarks can check it stays
// bounded: checkpoints, the trace, the members' logs and WALs, the client
// history and the recorded commands.
type Footprint struct {
	// Checkpoints is the number of rewind checkpoints held.
	Checkpoints int `json:"checkpoints"`
	// TraceRecords is the number of trace records held; TraceTotal the
	// number recorded so far (the next record's Seq minus one), so
	// TraceTotal-TraceRecords records were dropped (see Config.TraceKeep).
	TraceRecords int `json:"traceRecords"`
	TraceTotal   int `json:"traceTotal"`
	// LogEntries is the longest Raft log among the running members, in
	// entries after the compacted prefix.
	LogEntries int `json:"logEntries"`
	// WALRecords and WALBytes are the largest WAL among the members.
	WALRecords int `json:"walRecords"`
	WALBytes   int `json:"walBytes"`
	// HistoryEvents counts the client history's changes; Commands the
	// recorded commands of the timeline (the live world's and a rewound
	// world's future alike).
	HistoryEvents int `json:"historyEvents"`
	Commands      int `json:"commands"`
}

// Footprint returns what the world holds now.
func (w *World) Footprint() Footprint {
	f := Footprint{
		Checkpoints:   len(w.tl.checkpoints),
		TraceTotal:    w.nRecords,
		TraceRecords:  max(0, w.nRecords-w.tl.records.base),
		HistoryEvents: w.nHistory,
		Commands:      len(w.tl.commands),
	}
	for _, n := range w.nodes[1:] {
		if n.disk != nil && n.disk.WAL != nil {
			s := n.disk.WAL.Stats()
			f.WALRecords = max(f.WALRecords, s.Records)
			f.WALBytes = max(f.WALBytes, s.Bytes)
		}
		if n.m != nil {
			if st := n.m.Status(); st.LastIndex >= st.FirstIndex {
				f.LogEntries = max(f.LogEntries, int(st.LastIndex-st.FirstIndex+1))
			}
		}
	}
	return f
}
