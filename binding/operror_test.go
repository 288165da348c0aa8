package libbpf_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// The checks every test of the package's error form makes: one
// requireOpError for a single error, checkOpError for a row of a table
// (opErrorCase).

// opErrorOf returns err as the *OpError it must be at its top level (not
// merely somewhere in its chain).
func opErrorOf(t testing.TB, err error) *libbpf.OpError {
	t.Helper()
	require.Error(t, err)
	oe, ok := err.(*libbpf.OpError)
	require.True(t, ok, "%T is not an *OpError at the top: %v", err, err)
	return oe
}

// requireOpError checks that err is, at its top, an *OpError of op on
// subject whose failed call is call ("" for none), with a cause, and that
// its text says each of them once: it starts with the operation and the
// subject, the cause repeats neither the subject nor the call, and no
// OpError of the same operation is wrapped in it. It returns the OpError.
func requireOpError(t testing.TB, err error, op, subject, call string) *libbpf.OpError {
	t.Helper()
	oe := opErrorOf(t, err)
	assert.Equal(t, op, oe.Op, "Op of %q", err)
	assert.Equal(t, subject, oe.Subject, "Subject of %q", err)
	assert.Equal(t, call, oe.Call, "Call of %q", err)
	require.NotNil(t, oe.Err, "the OpError has a cause")
	text, cause := err.Error(), oe.Err.Error()
	prefix := op
	if subject != "" {
		prefix += " " + subject
	}
	assert.True(t, strings.HasPrefix(text, prefix+": "), "%q starts with %q", text, prefix)
	assert.Equal(t, 1, strings.Count(text, op+" ")+strings.Count(text, op+":"), "the operation is said once: %q", text)
	if subject != "" {
		assert.False(t, strings.HasPrefix(cause, subject+":"), "the cause repeats the subject: %q", text)
	}
	if call != "" {
		assert.Equal(t, 1, strings.Count(text, call+":"), "the call is said once: %q", text)
		assert.False(t, strings.HasPrefix(cause, call), "the cause repeats the call: %q", text)
	}
	var inner *libbpf.OpError
	if errors.As(oe.Err, &inner) {
		assert.NotEqual(t, op, inner.Op, "an OpError of %s wraps another of %s: %q", op, op, text)
	}
	return oe
}

// opErrorCase is one failing call of an exported method and the OpError
// it must give.
type opErrorCase struct {
	// op is the method called, which must be OpError.Op.
	op string
	// err is the error the call returned.
	err error
	// subject and call are the OpError's Subject and Call.
	subject, call string
	// is is a cause errors.Is must find.
	is error
	// text, when set, is the whole message.
	text string
}

// checkOpError makes requireOpError's checks for the row c, and checks
// its cause and text when c gives them.
func checkOpError(t *testing.T, c opErrorCase) {
	t.Helper()
	requireOpError(t, c.err, c.op, c.subject, c.call)
	if c.is != nil {
		assert.ErrorIs(t, c.err, c.is, "%v", c.err)
	}
	if c.text != "" {
		assert.Equal(t, c.text, c.err.Error())
	}
}
