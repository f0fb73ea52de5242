package netsim

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// deepCopy returns a copy of the object graph *root points to, sharing no
// mutable memory with it (errors aside, see below): every pointer, slice,
// map and interface reachable from root is copied, unexported fields
// included, and two pointers to the same object in the original point to the
// same copy (so aliasing and cycles survive); so do two large slices with
// the same header (see sliceShareMin). It is how checkpoints freeze the
// whole world — members, raft, WAL, store and the PRNG — without each
// package writing its own clone.
//
// Strings are shared, since Go never mutates them, and so are values held
// in an error interface, since errors are immutable by convention and
// sentinel errors must keep their identity for errors.Is. Function values are
// shared too, which is only correct for plain functions (a btree's ordering
// function, say): a method value would stay bound to the original object, so
// deepCopy panics on one rather than produce a world that quietly drives its
// past. Channels and unsafe pointers panic as well; the deterministic core
// has none.
//
// Pointers to the types listed in shared are not followed: the copy points
// to the same object (the world's append-only timeline, say). Values of the
// types listed in shallow are copied by plain assignment, sharing what they
// point to; that is for immutable data only (a raft entry's payload, which
// nothing changes once the entry exists).
//
// A value whose type has a CopyShared method (sharedCopier) copies itself:
// it returns a copy that shares only memory neither side will change, such
// as the nodes of a copy-on-write B-tree, which the tree copies before
// either side changes them. A store's MVCC history is such a tree, and it
// grows with every write, so checkpoints of a long session share it instead
// of each holding all of it. (The copier could call a generic tree's Clone
// through reflection, but reflect.Value.Call keeps about 33 kB of gzipped
// reflection machinery in the browser's wasm.)
func deepCopy[T any](root *T, shared, shallow []reflect.Type) *T {
	c := copier{pointers: map[pointerKey]reflect.Value{}, maps: map[unsafe.Pointer]reflect.Value{}, slices: map[sliceKey]reflect.Value{}, shared: shared, shallow: shallow}
	return c.pointer(reflect.ValueOf(root), "root").Interface().(*T)
}

// errorType is the error interface, whose values deepCopy shares.
var errorType = reflect.TypeFor[error]()

// pointerKey identifies a pointer by address and type: a struct and its first
// field share an address but are different objects to copy.
type pointerKey struct {
	addr unsafe.Pointer
	typ  reflect.Type
}

// sliceKey identifies a slice by its header: two slices with the same array,
// length and capacity are one value to copy.
type sliceKey struct {
	data     unsafe.Pointer
	len, cap int
	typ      reflect.Type
}

// sliceShareMin is the size in bytes from which a slice's copy is
// remembered, so a second slice with the same header gets the same copy: a
// member's snapshot data is held by its raft storage and its disk alike,
// and is the whole store encoded. Smaller slices are copied each time,
// which is cheaper than remembering them.
const sliceShareMin = 1024

// copier remembers what it has copied so shared objects stay shared.
type copier struct {
	pointers map[pointerKey]reflect.Value
	maps     map[unsafe.Pointer]reflect.Value
	slices   map[sliceKey]reflect.Value
	shared   []reflect.Type
	shallow  []reflect.Type
}

// pointer copies the object src points to, once.
func (c *copier) pointer(src reflect.Value, path string) reflect.Value {
	if src.IsNil() {
		return reflect.Zero(src.Type())
	}
	elem := src.Type().Elem()
	if elem.Size() == 0 || slices.Contains(c.shared, elem) {
		return src
	}
	key := pointerKey{src.UnsafePointer(), src.Type()}
	if dst, ok := c.pointers[key]; ok {
		return dst
	}
	dst := reflect.New(elem)
	c.pointers[key] = dst
	c.value(dst.Elem(), src.Elem(), path)
	return dst
}

// value copies src into dst. dst is settable; src is addressable or was
// reached without passing through an unexported field, so reading it never
// trips reflect's read-only rule.
func (c *copier) value(dst, src reflect.Value, path string) {
	t := src.Type()
	if !hasPointers(t) || slices.Contains(c.shallow, t) {
		dst.Set(src)
		return
	}
	if t.Kind() == reflect.Struct && t.Implements(sharedCopierType) {
		dst.Set(reflect.ValueOf(src.Interface().(sharedCopier).CopyShared()))
		return
	}
	switch t.Kind() {
	case reflect.String:
		dst.Set(src)
	case reflect.Pointer:
		dst.Set(c.pointer(src, path))
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(reflect.Zero(t))
			return
		}
		var key sliceKey
		remember := src.Cap() > 0 && uintptr(src.Cap())*t.Elem().Size() >= sliceShareMin
		if remember {
			key = sliceKey{src.UnsafePointer(), src.Len(), src.Cap(), t}
			if out, ok := c.slices[key]; ok {
				dst.Set(out)
				return
			}
		}
		out := reflect.MakeSlice(t, src.Len(), src.Cap())
		if elem := t.Elem(); !hasPointers(elem) || slices.Contains(c.shallow, elem) {
			// Plain data (a WAL's bytes, a list of indexes) is copied in
			// one move.
			reflect.Copy(out, src)
		} else {
			for i := 0; i < src.Len(); i++ {
				c.value(out.Index(i), src.Index(i), path)
			}
		}
		if remember {
			c.slices[key] = out
		}
		dst.Set(out)
	case reflect.Array:
		for i := 0; i < src.Len(); i++ {
			c.value(dst.Index(i), src.Index(i), path)
		}
	case reflect.Map:
		dst.Set(c.mapValue(src, path))
	case reflect.Struct:
		if !src.CanAddr() {
			tmp := reflect.New(t).Elem()
			tmp.Set(src)
			src = tmp
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !hasPointers(f.Type) {
				field(dst, i).Set(field(src, i))
				continue
			}
			c.value(field(dst, i), field(src, i), path+"."+f.Name)
		}
	case reflect.Interface:
		if src.IsNil() || t == errorType {
			// Errors are immutable by convention and sentinel errors are
			// compared by identity (errors.Is), so a copy must share them.
			dst.Set(reflect.Zero(t))
			return
		}
		inner := src.Elem()
		out := reflect.New(inner.Type()).Elem()
		c.value(out, inner, path)
		dst.Set(out)
	case reflect.Func:
		if !src.IsNil() {
			name := runtime.FuncForPC(src.Pointer()).Name()
			if strings.HasSuffix(name, "-fm") {
				panic(fmt.Sprintf("netsim: cannot checkpoint %s: it holds the method value %s, which would stay bound to the original object", path, name))
			}
		}
		dst.Set(src)
	default:
		if !src.IsZero() {
			panic(fmt.Sprintf("netsim: cannot checkpoint %s: a %s cannot be copied", path, t.Kind()))
		}
	}
}

// mapValue copies a map once, however many fields refer to it.
func (c *copier) mapValue(src reflect.Value, path string) reflect.Value {
	t := src.Type()
	if src.IsNil() {
		return reflect.Zero(t)
	}
	if dst, ok := c.maps[src.UnsafePointer()]; ok {
		return dst
	}
	dst := reflect.MakeMapWithSize(t, src.Len())
	c.maps[src.UnsafePointer()] = dst
	key := reflect.New(t.Key()).Elem()
	val := reflect.New(t.Elem()).Elem()
	for it := src.MapRange(); it.Next(); {
		k := reflect.New(t.Key()).Elem()
		key.Set(it.Key())
		c.value(k, key, path+"[key]")
		v := reflect.New(t.Elem()).Elem()
		val.Set(it.Value())
		c.value(v, val, path+"[]")
		dst.SetMapIndex(k, v)
	}
	return dst
}

// field returns struct field i of the addressable struct v as a settable,
// readable value, unexported or not. Going through the field's address
// instead of v.Field(i) avoids reflect's read-only flag, which would forbid
// both reading the field into a copy and writing the copy back.
func field(v reflect.Value, i int) reflect.Value {
	f := v.Type().Field(i)
	return reflect.NewAt(f.Type, unsafe.Add(unsafe.Pointer(v.UnsafeAddr()), f.Offset)).Elem()
}

// pointerCache remembers hasPointers per type (reflect.Type → bool). It is a
// sync.Map because separate worlds may run on separate goroutines (a fuzzer
// running seeds in parallel), even though one world never uses two.
var pointerCache sync.Map

// hasPointers reports whether a value of type t can refer to memory outside
// itself, in which case a plain assignment would share that memory.
func hasPointers(t reflect.Type) bool {
	if v, ok := pointerCache.Load(t); ok {
		return v.(bool)
	}
	v := computeHasPointers(t)
	pointerCache.Store(t, v)
	return v
}

// computeHasPointers is hasPointers without the cache. A recursive type
// always refers to itself through a pointer, slice or map, which ends the
// recursion before it comes back to the same type.
func computeHasPointers(t reflect.Type) bool {
	var v bool
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		v = true
	case reflect.String:
		v = false
	case reflect.Array:
		v = t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if hasPointers(t.Field(i).Type) {
				v = true
				break
			}
		}
	}
	return v
}

// sharedCopier is a value that copies itself for deepCopy more cheaply than
// field by field. CopyShared must return a value of the receiver's own type
// that shares no memory either side will change.
type sharedCopier interface{ CopyShared() any }

var sharedCopierType = reflect.TypeFor[sharedCopier]()
