package kvstate

import "fmt"

// FromKeyEnd is the range end that means "every key at or after the key",
// as etcd's WithFromKey. Key "\x00" with FromKeyEnd selects all keys.
const FromKeyEnd = "\x00"

// PrefixEnd returns the range end that selects every key with the given
// prefix: the prefix with its last byte below 0xff incremented and the rest
// cut off. A prefix of only 0xff bytes has no such end, so every key from the
// prefix on is selected (FromKeyEnd).
func PrefixEnd(prefix string) string {
	end := []byte(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return string(end[:i+1])
		}
	}
	return FromKeyEnd
}

// keyRange is the set of keys a request selects: the single key when end is
// empty, every key ≥ key when end is FromKeyEnd, and [key, end) otherwise.
type keyRange struct {
	key string
	end string
}

// checkKeyRange validates a key and range end as a request carries them.
func checkKeyRange(key, end string) error {
	if key == "" {
		return ErrEmptyKey
	}
	if end != "" && end != FromKeyEnd && end <= key {
		return fmt.Errorf("%w: range end %q is not after key %q", ErrKeyRangeInvalid, end, key)
	}
	return nil
}

// contains reports whether k lies in the range.
func (r keyRange) contains(k string) bool {
	switch r.end {
	case "":
		return k == r.key
	case FromKeyEnd:
		return k >= r.key
	default:
		return k >= r.key && k < r.end
	}
}
