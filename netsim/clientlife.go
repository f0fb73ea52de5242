package netsim

import "fmt"

func (w *World) crashClient(name string) error {
	c, err := w.clientByName(name, false)
	if err != nil {
		return err
	}
	if c.crashed {
		return fmt.Errorf("%s has crashed already", name)
	}
	c.crashed, c.paused, c.held = true, false, nil
	w.record(Record{Kind: "client-crash", Client: name})
	// Operations in progress never return: the history keeps them without a
	// return time, and a checker must allow them to have happened or not
	// (unless they never sent a request).
	for _, p := range c.ops {
		p.op.Status, p.op.Err = StatusUnknown, ErrClientCrashed
		if p.op.Attempts == 0 {
			// It never sent anything, so it certainly had no effect.
			p.op.Status = StatusError
		}
		p.op.ErrCode, p.op.ErrText = ErrorCode(ErrClientCrashed), ErrClientCrashed.Error()
		w.addHistory(p.op)
	}
	c.ops = nil
	for _, l := range c.leases {
		l.keepAlive = false
	}
	for _, l := range c.locks {
		l.closed = true
	}
	for _, wt := range c.watches {
		wt.closed = true
	}
	return nil
}

func (w *World) restartClient(name string) error {
	c, err := w.clientByName(name, false)
	if err != nil {
		return err
	}
	if !c.crashed {
		return fmt.Errorf("%s is running; only a crashed client can restart", name)
	}
	c.crashed = false
	c.leases, c.locks, c.watches = nil, nil, nil
	w.record(Record{Kind: "client-restart", Client: name})
	return nil
}

func (w *World) pauseClient(name string) error {
	c, err := w.clientByName(name, false)
	if err != nil {
		return err
	}
	switch {
	case c.crashed:
		return fmt.Errorf("%s cannot be paused: it has crashed", name)
	case c.paused:
		return fmt.Errorf("%s is paused already", name)
	}
	c.paused = true
	w.record(Record{Kind: "client-pause", Client: name})
	return nil
}

func (w *World) resumeClient(name string) error {
	c, err := w.clientByName(name, false)
	if err != nil {
		return err
	}
	if !c.paused {
		return fmt.Errorf("%s is not paused", name)
	}
	c.paused = false
	held := c.held
	c.held = nil
	w.record(Record{Kind: "client-resume", Client: name})
	// What happened during the pause is acted on now, in order: the timers
	// that fired and the replies that arrived.
	for _, ev := range held {
		if c.crashed || c.paused {
			break
		}
		w.dispatch(ev)
	}
	if len(c.ops) > 0 && c.ops[0].reqID == 0 && !c.crashed && !c.paused {
		w.startIdle(c)
	}
	return nil
}

// startIdle starts the first waiting operation of a client that was paused
// before it could start it.
func (w *World) startIdle(c *client) {
	p := c.ops[0]
	if p.op.Attempts == 0 {
		w.startOp(c)
	}
}
