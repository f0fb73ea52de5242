package netsim

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type copyNode struct {
	name  string
	next  *copyNode
	peers map[string]*copyNode
	data  []byte
	any   any
	tags  [2][]int
}

type copyHolder struct {
	head   *copyNode
	alias  *copyNode
	rng    *rand.Rand
	fn     func(int) int
	method func()
}

func double(x int) int { return 2 * x }

func (n *copyNode) touch() { n.name += "!" }

func TestDeepCopyCopiesEverythingAndKeepsAliasing(t *testing.T) {
	a := &copyNode{name: "a", data: []byte("xy"), tags: [2][]int{{1}, {2, 3}}}
	b := &copyNode{name: "b", next: a, any: a}
	a.next = b // a cycle
	a.peers = map[string]*copyNode{"b": b}
	orig := &copyHolder{head: a, alias: a, rng: rand.New(rand.NewPCG(1, 2)), fn: double}

	cp := deepCopy(orig, nil, nil)

	require.NotSame(t, orig.head, cp.head)
	assert.Same(t, cp.head, cp.alias, "two pointers to one object must point to one copy")
	assert.Same(t, cp.head, cp.head.next.next, "the cycle must close on the copy")
	assert.Same(t, cp.head.next, cp.head.peers["b"])
	assert.Same(t, cp.head, cp.head.next.any.(*copyNode), "an interface holding a pointer keeps aliasing")
	assert.Equal(t, "a", cp.head.name)
	assert.Equal(t, 4, cp.fn(2), "plain functions are shared")

	// Mutating the copy must leave the original alone, unexported fields included.
	cp.head.data[0] = 'z'
	cp.head.tags[1][0] = 9
	cp.head.peers["c"] = cp.head
	assert.Equal(t, "xy", string(orig.head.data))
	assert.Equal(t, 2, orig.head.tags[1][0])
	assert.NotContains(t, orig.head.peers, "c")

	// The PRNG copy continues the same stream independently.
	want := orig.rng.Uint64()
	assert.Equal(t, want, cp.rng.Uint64())
	orig.rng.Uint64()
	cp2 := deepCopy(orig, nil, nil)
	assert.Equal(t, orig.rng.Uint64(), cp2.rng.Uint64())
}

func TestDeepCopyRefusesMethodValues(t *testing.T) {
	n := &copyNode{name: "n"}
	h := &copyHolder{method: n.touch}
	assert.PanicsWithValue(t,
		"netsim: cannot checkpoint root.method: it holds the method value github.com/raft-playground/playground/netsim.(*copyNode).touch-fm, which would stay bound to the original object",
		func() { deepCopy(h, nil, nil) })
}

func TestDeepCopySharedAndShallowTypes(t *testing.T) {
	type payload struct{ data []byte }
	type holder struct {
		shared *copyNode
		p      payload
	}
	orig := &holder{shared: &copyNode{name: "s"}, p: payload{data: []byte("d")}}
	cp := deepCopy(orig, []reflect.Type{reflect.TypeFor[copyNode]()}, []reflect.Type{reflect.TypeFor[payload]()})
	assert.Same(t, orig.shared, cp.shared, "pointers to shared types are not followed")
	assert.Same(t, &orig.p.data[0], &cp.p.data[0], "shallow values share what they point to")
}
