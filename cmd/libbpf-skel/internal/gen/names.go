package gen

import (
	"fmt"
	"go/token"
	"strings"
	"unicode"
)

// Camel turns a C name into an exported Go name: the parts between
// underscores (and dots, for section names) each start with a capital;
// a part written all in capitals keeps only its first one ("TASK_RUNNING"
// gives TaskRunning), a mixed-case part is kept ("targetPID" gives
// TargetPID). A result that would start with a digit, or be empty, gets
// an X in front ("_1" gives X1, "__" gives X).
func Camel(name string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '.' }) {
		if strings.ToUpper(part) == part {
			part = strings.ToLower(part)
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	out := b.String()
	if out == "" || unicode.IsDigit(rune(out[0])) {
		out = "X" + out
	}
	return out
}

// IsIdentifier reports whether s is a Go identifier that is not a keyword.
func IsIdentifier(s string) bool {
	return token.IsIdentifier(s)
}

// scope hands out Go names, one C name each: a second C name asking for a
// name already given is an error, which names both.
type scope struct {
	what  string
	names map[string]string
	// log lists the keys of names in the order they were claimed.
	log []string
}

func newScope(what string) *scope {
	return &scope{what: what, names: make(map[string]string)}
}

// claim gives goName to the C thing described by owner.
func (s *scope) claim(goName, owner string) error {
	if prev, ok := s.names[goName]; ok {
		if prev == owner {
			return nil
		}
		return fmt.Errorf("%s and %s both map to the Go name %s%s; rename one of them in the C file", prev, owner, goName, s.what)
	}
	s.names[goName] = owner
	s.log = append(s.log, goName)
	return nil
}
