package raft

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// confChangeFormat is the first byte of an encoded ConfChange; it lets the
// format evolve without misreading old entries.
const confChangeFormat byte = 1

// ErrBadConfChangeEncoding wraps every decoding error of UnmarshalConfChange.
var ErrBadConfChangeEncoding = errors.New("raft: malformed configuration change")

// Marshal encodes the change as the data of an EntryConfChange entry: a
// format byte, the transition, the number of changes, each change as a type
// byte and a varint node ID, then the context's length and bytes.
func (cc ConfChange) Marshal() []byte {
	buf := make([]byte, 0, 3+len(cc.Changes)*(1+binary.MaxVarintLen64)+binary.MaxVarintLen64+len(cc.Context))
	buf = append(buf, confChangeFormat, byte(cc.Transition))
	buf = binary.AppendUvarint(buf, uint64(len(cc.Changes)))
	for _, c := range cc.Changes {
		buf = append(buf, byte(c.Type))
		buf = binary.AppendUvarint(buf, c.NodeID)
	}
	buf = binary.AppendUvarint(buf, uint64(len(cc.Context)))
	return append(buf, cc.Context...)
}

// UnmarshalConfChange decodes what ConfChange.Marshal encoded.
func UnmarshalConfChange(data []byte) (ConfChange, error) {
	bad := func(what string) (ConfChange, error) {
		return ConfChange{}, fmt.Errorf("%w: %s", ErrBadConfChangeEncoding, what)
	}
	if len(data) < 2 {
		return bad("too short")
	}
	if data[0] != confChangeFormat {
		return bad(fmt.Sprintf("unknown format %d", data[0]))
	}
	var cc ConfChange
	cc.Transition = ConfChangeTransition(data[1])
	if cc.Transition > ConfChangeTransitionJointExplicit {
		return bad(fmt.Sprintf("unknown transition %d", data[1]))
	}
	rest := data[2:]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)) {
		return bad("bad change count")
	}
	rest = rest[k:]
	if n > 0 {
		cc.Changes = make([]ConfChangeSingle, n)
	}
	for i := range cc.Changes {
		if len(rest) < 2 {
			return bad(fmt.Sprintf("change %d is truncated", i))
		}
		t := ConfChangeType(rest[0])
		if t > ConfChangeAddLearnerNode {
			return bad(fmt.Sprintf("change %d has unknown type %d", i, rest[0]))
		}
		id, k := binary.Uvarint(rest[1:])
		if k <= 0 {
			return bad(fmt.Sprintf("change %d has a bad node ID", i))
		}
		cc.Changes[i] = ConfChangeSingle{Type: t, NodeID: id}
		rest = rest[1+k:]
	}
	ctxLen, k := binary.Uvarint(rest)
	if k <= 0 || ctxLen != uint64(len(rest)-k) {
		return bad("bad context length")
	}
	if ctxLen > 0 {
		cc.Context = append([]byte(nil), rest[k:]...)
	}
	return cc, nil
}

// leaveJoint reports whether the change is the empty change that leaves a
// joint configuration.
func (cc ConfChange) leaveJoint() bool {
	return len(cc.Changes) == 0 && cc.Transition == ConfChangeTransitionAuto
}

// enterJoint reports whether the change must go through a joint
// configuration, and if so whether it is left automatically. A single change
// with the automatic transition is a single-step change.
func (cc ConfChange) enterJoint() (autoLeave, joint bool) {
	if cc.Transition == ConfChangeTransitionAuto && len(cc.Changes) <= 1 {
		return false, false
	}
	return cc.Transition != ConfChangeTransitionJointExplicit, true
}

// String names the change type, e.g. "add-node".
func (t ConfChangeType) String() string {
	switch t {
	case ConfChangeAddNode:
		return "add-node"
	case ConfChangeRemoveNode:
		return "remove-node"
	case ConfChangeAddLearnerNode:
		return "add-learner"
	}
	return fmt.Sprintf("conf-change-type-%d", uint8(t))
}
