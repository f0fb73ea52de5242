package kvstate

import "fmt"

// Revision names one change in the store's history. Main is the store revision
// of the write transaction that made the change (it starts at 1 for the empty
// store and grows by one per write transaction); Sub numbers the changes inside
// that transaction from 0, so every change has a unique, totally ordered
// Revision.
type Revision struct {
	Main int64
	Sub  int64
}

// Less orders revisions by main revision, then by sub revision.
func (r Revision) Less(o Revision) bool {
	if r.Main != o.Main {
		return r.Main < o.Main
	}
	return r.Sub < o.Sub
}

// String renders the revision the way the lessons write it: "15.1", or "15"
// when the sub revision is 0.
func (r Revision) String() string {
	if r.Sub == 0 {
		return fmt.Sprintf("%d", r.Main)
	}
	return fmt.Sprintf("%d.%d", r.Main, r.Sub)
}
