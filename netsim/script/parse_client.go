package script

func parsePut(p *lineParser) (Command, error) {
	client, key, err := p.clientAnd(p.key)
	if err != nil {
		return nil, err
	}
	value, err := p.data("a value")
	if err != nil {
		return nil, err
	}
	opts, err := p.options(nil, []string{"lease"})
	if err != nil {
		return nil, err
	}
	c := &Put{Client: client, Key: key, Value: value}
	if t, ok := opts["lease"]; ok {
		if c.Lease, err = p.leaseFrom(t, t.value, t.valueCol); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func parseGet(p *lineParser) (Command, error) {
	client, key, err := p.clientAnd(p.key)
	if err != nil {
		return nil, err
	}
	opts, err := p.options([]string{"prefix", "serializable"}, []string{"rev", "at"})
	if err != nil {
		return nil, err
	}
	c := &Get{Client: client, Key: key}
	_, c.Prefix = opts["prefix"]
	_, c.Serializable = opts["serializable"]
	if t, ok := opts["rev"]; ok {
		if c.Rev, err = p.revValue(t, "rev"); err != nil {
			return nil, err
		}
	}
	if t, ok := opts["at"]; ok {
		m, err := p.memberFrom(t, t.value, t.valueCol)
		if err != nil {
			return nil, err
		}
		c.At = &m
	}
	return c, nil
}

func parseDelete(p *lineParser) (Command, error) {
	client, key, err := p.clientAnd(p.key)
	if err != nil {
		return nil, err
	}
	opts, err := p.options([]string{"prefix"}, nil)
	if err != nil {
		return nil, err
	}
	_, prefix := opts["prefix"]
	return &Delete{Client: client, Key: key, Prefix: prefix}, nil
}

func parseTxn(p *lineParser) (Command, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	opts, err := p.options(nil, []string{"if", "then", "else"})
	if err != nil {
		return nil, err
	}
	c := &Txn{Client: client}
	if t, ok := opts["if"]; ok {
		if c.If, err = parseCompares(t.value); err != nil {
			return nil, p.errVal(t, "%v", err)
		}
	}
	if t, ok := opts["then"]; ok {
		if c.Then, err = parseTxnOps("then", t.value); err != nil {
			return nil, p.errVal(t, "%v", err)
		}
	}
	if t, ok := opts["else"]; ok {
		if c.Else, err = parseTxnOps("else", t.value); err != nil {
			return nil, p.errVal(t, "%v", err)
		}
	}
	if len(c.Then) == 0 && len(c.Else) == 0 {
		return nil, p.missing(`then="…" or else="…"`)
	}
	return c, nil
}

func parseLease(p *lineParser) (Command, error) {
	sub, err := p.positional("grant, keepalive or revoke")
	if err != nil {
		return nil, err
	}
	p.cmd = "lease " + sub.text
	switch sub.text {
	case "grant":
		client, err := p.client()
		if err != nil {
			return nil, err
		}
		t, err := p.positional("a lease name")
		if err != nil {
			return nil, err
		}
		name, err := parseName("lease", t.text)
		if err != nil {
			return nil, p.errTok(t, "%v", err)
		}
		opts, err := p.options(nil, []string{"ttl"})
		if err != nil {
			return nil, err
		}
		tt, ok := opts["ttl"]
		if !ok {
			return nil, p.missing("ttl=DURATION")
		}
		ttl, err := p.ttlValue(tt)
		if err != nil {
			return nil, err
		}
		return &LeaseGrant{Client: client, Lease: name, TTL: ttl}, nil
	case "keepalive":
		client, name, err := p.clientAnd(p.lease)
		if err != nil {
			return nil, err
		}
		opts, err := p.options([]string{"once"}, nil)
		if err != nil {
			return nil, err
		}
		_, once := opts["once"]
		return &LeaseKeepAlive{Client: client, Lease: name, Once: once}, nil
	case "revoke":
		client, name, err := p.clientAnd(p.lease)
		if err != nil {
			return nil, err
		}
		return &LeaseRevoke{Client: client, Lease: name}, p.end()
	}
	p.cmd = "lease"
	return nil, p.errTok(sub, "unknown lease command %q; expected grant, keepalive or revoke", sub.text)
}

func parseLock(p *lineParser) (Command, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	name, err := p.lockName()
	if err != nil {
		return nil, err
	}
	opts, err := p.options(nil, []string{"ttl"})
	if err != nil {
		return nil, err
	}
	c := &Lock{Client: client, Name: name, TTL: DefaultLockTTL}
	if t, ok := opts["ttl"]; ok {
		if c.TTL, err = p.ttlValue(t); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func parseUnlock(p *lineParser) (Command, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	name, err := p.lockName()
	if err != nil {
		return nil, err
	}
	return &Unlock{Client: client, Name: name}, p.end()
}

func (p *lineParser) lockName() (string, error) {
	t, err := p.positional("a lock name")
	if err != nil {
		return "", err
	}
	name, err := parseName("lock", t.text)
	if err != nil {
		return "", p.errTok(t, "%v", err)
	}
	return name, nil
}

func parseWatch(p *lineParser) (Command, error) {
	client, key, err := p.clientAnd(p.key)
	if err != nil {
		return nil, err
	}
	opts, err := p.options([]string{"prefix"}, []string{"from"})
	if err != nil {
		return nil, err
	}
	c := &Watch{Client: client, Key: key}
	_, c.Prefix = opts["prefix"]
	if t, ok := opts["from"]; ok {
		if c.From, err = p.revValue(t, "from"); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func parseCompact(p *lineParser) (Command, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	t, err := p.positional("a revision")
	if err != nil {
		return nil, err
	}
	t.value, t.valueCol = t.text, t.col
	rev, err := p.revValue(t, "the revision")
	if err != nil {
		return nil, err
	}
	return &Compact{Client: client, Rev: rev}, p.end()
}
