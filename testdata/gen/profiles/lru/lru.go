// Package lru is the demo service's bounded cache: it holds at most Size
// values, so once full its retained memory stays flat however many values
// are put through it.
package lru

// Size is how many values the cache keeps.
const Size = 64

// ValueSize is the size of each stored copy.
const ValueSize = 256

// LRU is a fixed ring of the most recently stored values.
type LRU struct {
	ring [Size][]byte
	next int
}

// Put stores a copy of v, evicting the oldest value once the ring is full.
func (l *LRU) Put(v []byte) {
	c := make([]byte, ValueSize)
	copy(c, v)
	l.ring[l.next] = c
	l.next = (l.next + 1) % Size
}

// Len reports how many slots hold a value.
func (l *LRU) Len() int {
	n := 0
	for _, v := range l.ring {
		if v != nil {
			n++
		}
	}
	return n
}
