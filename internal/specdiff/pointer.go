package specdiff

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// pointerAt returns the JSON pointer of the element written at line and
// column of the document: a mapping's key there names its value, a sequence
// item there names the item. ok is false when nothing starts there.
func pointerAt(tree *yaml.Node, line, column int) (string, bool) {
	if tree == nil || len(tree.Content) == 0 || line <= 0 {
		return "", false
	}
	return findPointer(tree.Content[0], "", line, column)
}

func findPointer(n *yaml.Node, prefix string, line, column int) (string, bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			here := prefix + "/" + escapeToken(key.Value)
			if key.Line == line && key.Column == column {
				return here, true
			}
			if p, ok := findPointer(value, here, line, column); ok {
				return p, true
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			here := prefix + "/" + strconv.Itoa(i)
			if item.Line == line && item.Column == column {
				return here, true
			}
			if p, ok := findPointer(item, here, line, column); ok {
				return p, true
			}
		}
	}
	return "", false
}

// escapeToken escapes a JSON pointer reference token (RFC 6901).
func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
