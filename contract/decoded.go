package contract

import (
	"math/bits"
	"runtime"
	"unsafe"

	"github.com/crawlkit/crawlkit/internal/crawl"
)

// bodyCost is what a body's tree of any takes (decodedSize), and the same
// for the array the validator checks item by item, when the body has one.
type bodyCost struct {
	tree, values int64
	// found is set when the body has an array of objects at the path
	// looked for (the first one):
	// items is its length, span its bytes, arrayTree its tree, maxItem its
	// largest item's tree, strings the bytes of the strings it holds.
	found                                    bool
	items, span, arrayTree, maxItem, strings int64
}

// screenshotSize is what one screenshot of a decoded crawl takes.
const screenshotSize = int64(unsafe.Sizeof(crawl.Screenshot{}))

// itemSlice is what the validator keeps for each item of an array it
// checks item by item: a slice of the body.
const itemSlice = int64(unsafe.Sizeof([]byte(nil)))

// whole is what checking a body of n bytes whole takes: the validator reads
// a copy of the body, then decodes its tree, and the kit decodes its own
// (one after the other); a 200's crawl is then decoded once more.
func (c bodyCost) whole(n int64) int64 {
	return max(2*n+c.tree, c.crawl(c.tree))
}

// parts is what checking a body of n bytes in parts takes: the tree of the
// body without the array, the item slices, a tree per item being checked
// (one per core, and the kit's own).
func (c bodyCost) parts(n int64) int64 {
	rest := c.tree - c.arrayTree
	parts := rest + 2*(n-c.span) + 2*itemSlice*c.items + int64(runtime.GOMAXPROCS(0)+1)*c.maxItem
	return max(parts, c.crawl(rest))
}

// crawl is what decoding a 200's crawl takes beside rest: its screenshots
// (the slice grown by append, old and new alive together) and strings.
func (c bodyCost) crawl(rest int64) int64 {
	if !c.found {
		return 0
	}
	return rest + 2*screenshotSize*c.items + c.strings
}

// The bytes encoding/json allocates for the parts of a tree of any (Go's
// allocator rounds small objects up to 8 bytes, a map's entry is a string
// and an any, 32 bytes, in groups of 8 with a control word; a map holds
// at most 7/8 of its slots; a slice grows by a quarter, near its end).
const (
	boxedString  = 16 // a string held in an any
	boxedNumber  = 8  // a float64 held in an any
	sliceHeader  = 24 // a []any held in an any
	sliceSlot    = 16 // an any in a []any
	mapHeader    = 48
	mapGroup     = 8 + 8*32
	mapGroupSize = 8
)

// scanStack is decodedSize's stack, kept from body to body.
type scanStack struct{ s []decodedFrame }

// decodedFrame is one array or object being scanned.
type decodedFrame struct {
	object bool
	// key is set in an object where the next string is a key.
	key bool
	// onPath is how many keys of the path lead to this value, or -1.
	onPath int
	// n counts the entries; cost is the estimate when the value started.
	n, cost int64
}

// decodedSize estimates what json.Unmarshal into an any allocates and keeps
// for body, which must be valid JSON (json.Valid), and the same for the
// array found by following path's keys from the root (the first such
// array), without allocating beyond stack, the scratch stack it returns
// for the next call. It reads each byte once.
func decodedSize(body []byte, path []string, stack []decodedFrame) (bodyCost, []decodedFrame) {
	var c bodyCost
	stack = stack[:0]
	cost := int64(0)
	// next is the onPath of the value about to start; target the depth
	// of the array being measured (0: none); item when its current item
	// started.
	next, target, item, mixed, measured := 0, 0, int64(0), false, false
	for i := 0; i < len(body); i++ {
		ch := body[i]
		// A value starts: count it in its array, and as an item of the
		// target.
		if ch == '{' || ch == '[' || ch == '"' || ch == '-' || ch == 't' || ch == 'f' || ch == 'n' || (ch >= '0' && ch <= '9') {
			top := len(stack) - 1
			isKey := ch == '"' && top >= 0 && stack[top].key
			if !isKey {
				if top >= 0 && !stack[top].object {
					stack[top].n++
				}
				if target > 0 && len(stack) == target {
					item = cost
					// The validator cuts an array of objects only.
					mixed = mixed || (ch != '{' && ch != 'n')
				}
				c.values++
			}
		}
		switch ch {
		case '{', '[':
			stack = append(stack, decodedFrame{object: ch == '{', key: ch == '{', onPath: next, cost: cost})
			if ch == '[' && len(path) > 0 && next == len(path) && !measured {
				target, measured = len(stack), true
				c.span = int64(i)
			}
			next = -1
		case '}', ']':
			f := stack[len(stack)-1]
			if f.object {
				cost += mapCost(f.n)
			} else {
				cost += sliceHeader + sliceSlot*(f.n+f.n/4)
			}
			stack = stack[:len(stack)-1]
			switch {
			case target > 0 && len(stack)+1 == target:
				c.found, target = !mixed, 0
				c.items, c.arrayTree, c.span = f.n, cost-f.cost, int64(i+1)-c.span
			case target > 0 && len(stack) == target:
				c.maxItem = max(c.maxItem, cost-item)
			}
		case '"':
			start := i + 1
			for i++; body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
				}
			}
			n := int64(i - start)
			top := len(stack) - 1
			if top >= 0 && stack[top].key {
				// A key: its bytes, and a map entry counted by mapCost.
				stack[top].key = false
				stack[top].n++
				cost += roundUp8(n)
				next = -1
				if on := stack[top].onPath; on >= 0 && on < len(path) && string(body[start:i]) == path[on] {
					next = on + 1
				}
				continue
			}
			if n > 0 {
				cost += boxedString + roundUp8(n)
			}
			if target > 0 {
				c.strings += roundUp8(n)
				if len(stack) == target {
					c.maxItem = max(c.maxItem, cost-item)
				}
			}
			next = -1
		case ',':
			if top := len(stack) - 1; stack[top].object {
				stack[top].key = true
			}
		case ':', ' ', '\t', '\r', '\n':
		default:
			// A number or a literal: scan to its end.
			start := i
			for i+1 < len(body) && !isDelimiter(body[i+1]) {
				i++
			}
			if (ch == '-' || (ch >= '0' && ch <= '9')) && !(i == start && ch == '0') {
				cost += boxedNumber
			}
			if target > 0 && len(stack) == target {
				c.maxItem = max(c.maxItem, cost-item)
			}
			next = -1
		}
	}
	c.tree = cost
	return c, stack
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', ']', '}', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func roundUp8(n int64) int64 { return (n + 7) &^ 7 }

// mapCost is what a map[string]any of n entries takes, its keys apart.
func mapCost(n int64) int64 {
	if n <= mapGroupSize {
		return mapHeader + mapGroup
	}
	// Slots for n at 7/8 full, a power of two of groups.
	groups := (n*8/7 + mapGroupSize - 1) / mapGroupSize
	groups = 1 << bits.Len64(uint64(groups-1))
	return mapHeader + groups*mapGroup
}
