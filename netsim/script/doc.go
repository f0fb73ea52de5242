// Package script parses, validates, formats and runs scenario scripts: the one
// language that tests, lessons, share links, the UI's recording and the raftsim
// CLI all speak (DESIGN.md §4).
//
// A script is a sequence of lines of the form `command arg key=value …`; `#`
// starts a comment; a value with spaces, `#`, `=` or quotes is written in
// double quotes (`"a b"`, with `\"` and `\\` inside). Durations take us, ms or
// s (`1.5s`, `150ms`), ranges are written `5ms..15ms`, probabilities as
// percentages (`drop=12.5%`). Members are s1…s9, clients c1…c99; wherever a
// member is expected, `leader` names the member that leads the highest term
// among the members that are up.
//
//	cluster size=5 seed=7 election=150ms..300ms heartbeat=50ms tick=10ms latency=5ms..15ms
//	        fsync=2ms prevote=on checkquorum=on reads=safe|lease conflict-hint=on inflight=64
//	        snapshot-every=0 catchup=5 client-timeout=2s [auto-compact=off|N auto-compact-every=1m]
//	        (first line; options default to netsim.DefaultConfig)
//	run 2s | run until=leader max=10s | step [N]
//	crash sN [wal=lose-unsynced|torn|corrupt] | crash cN | restart X | pause X | resume X
//	partition s1,s2 | s3,s4,s5 | isolate sN | heal
//	link s1->s2 [drop=P%] [latency=D|D..D] [dup=P%] [reorder=P%] | link s1<->s2 … | link s1->s2 reset
//	timeout sN | transfer to=sN | snapshot sN
//	member add sN [learner] | member promote sN | member remove sN
//	log sN terms=1,1,4 | term sN 6                      (teaching set-ups, before the first event)
//	put cN KEY VALUE [lease=NAME] | get cN KEY [prefix] [rev=N] [serializable] [at=sN]
//	delete cN KEY [prefix] | compact cN REV
//	txn cN if="value(k)=v && version(k)>0" then="put k v; delete k prefix" else="get k"
//	lease grant cN NAME ttl=5s | lease keepalive cN NAME [once] | lease revoke cN NAME
//	lock cN NAME [ttl=10s] | unlock cN NAME | watch cN KEY [prefix] [from=N]
//	expect leader[=sN] | expect no-leader | expect term>=N [on=…] | expect committed>=N [on=…] | expect applied>=N [on=…]
//	expect value K=V [on=…] | expect absent K [on=…] | expect holder LOCK=cN|none
//	expect reply cN ok [branch=then|else] [value=V] [rev=N] [count=N] | expect reply cN error=CODE | expect reply cN pending
//	expect role sN=leader|follower|candidate|precandidate|learner | expect up sN | expect down sN
//	expect log terms=1,1,4 [on=…] | expect watch cN revs=4,5,7
//	show cluster | show log sN | show kv sN | show events [last=N]
//	check linearizable | check watches | check safety
//
// `on=` is all (every member that is up, the default), majority (a majority of
// the voters) or one member.
//
// `auto-compact=N` turns on etcd's revision-mode auto-compaction
// (--auto-compaction-mode=revision --auto-compaction-retention=N): every
// auto-compact-every of virtual time (a whole number of ticks; etcd checks
// every 5 minutes) the leader proposes compacting the store at its revision
// minus N through Raft, when that moved past the last compaction, and every
// member compacts when it applies the entry. It is off unless a script or
// the base turns it on (netsim.BrowserConfig keeps 1000 revisions).
//
// Parse turns text into typed commands and validates every argument,
// including names that depend on earlier lines (a member must exist; a lease
// must have been granted), so a script with a bad line is refused before
// anything runs; every error is a *LineError naming the line and column.
// Format prints a parsed script back as canonical text that parses to the
// same commands. A Session runs commands against a netsim World, a whole
// script at once (RunScript) or one line at a time as the browser does
// (Exec), and records the lines it applied so that Script replays the
// session exactly.
package script
