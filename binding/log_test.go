package libbpf_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	libbpf "github.com/libbpf-go/libbpf-go/binding"
)

// logRecord is a slog record flattened for assertions.
type logRecord struct {
	Level   slog.Level
	Message string
	Attrs   map[string]string
}

// recordingHandler keeps every record it handles, at every level.
type recordingHandler struct {
	mu      *sync.Mutex
	records *[]logRecord
	attrs   []slog.Attr
}

func newRecordingHandler() *recordingHandler {
	return &recordingHandler{mu: new(sync.Mutex), records: new([]logRecord)}
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Message: r.Message, Attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.Attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	*h.records = append(*h.records, rec)
	return nil
}

func (h *recordingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(slices.Clip(h.attrs), attrs...)
	return &c
}

func (h *recordingHandler) WithGroup(string) slog.Handler { return h }

func (h *recordingHandler) Records() []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(*h.records)
}

// useLogger installs l for the test and restores the default afterwards.
func useLogger(t *testing.T, l *slog.Logger) {
	t.Cleanup(func() { libbpf.SetLogger(slog.Default()) })
	libbpf.SetLogger(l)
}

func loadBad(t *testing.T) {
	t.Helper()
	obj := openObject(t, "bad", nil)
	require.Error(t, obj.Load())
}

// libbpf's messages go to the logger, one record per message, tagged
// component=libbpf, at the level libbpf gave them.
func TestLoggerReceivesLibbpfMessages(t *testing.T) {
	requireKernel(t)
	h := newRecordingHandler()
	useLogger(t, slog.New(h))
	loadBad(t)

	records := h.Records()
	require.NotEmpty(t, records)
	var warnAboutProgram, debug bool
	for _, r := range records {
		assert.Equal(t, "libbpf", r.Attrs["component"], "record %q", r.Message)
		assert.False(t, strings.HasSuffix(r.Message, "\n"), "trailing newline trimmed: %q", r.Message)
		if r.Level == slog.LevelWarn && strings.Contains(r.Message, "xdp_unchecked") {
			warnAboutProgram = true
		}
		if r.Level == slog.LevelDebug {
			debug = true
		}
	}
	assert.True(t, warnAboutProgram, "a warning names the failed program: %v", records)
	assert.True(t, debug, "libbpf's debug messages arrive at slog.LevelDebug")
}

// The logger's level decides what is delivered: an Info handler gets the
// warnings and no debug records.
func TestLoggerLevel(t *testing.T) {
	requireKernel(t)
	h := newRecordingHandler()
	useLogger(t, slog.New(levelHandler{h, slog.LevelInfo}))
	loadBad(t)

	records := h.Records()
	require.NotEmpty(t, records)
	for _, r := range records {
		assert.GreaterOrEqual(t, r.Level, slog.LevelInfo, "record %q", r.Message)
	}
}

// levelHandler is a recordingHandler enabled from level up; it records
// whatever it is handed, so records below level would show.
type levelHandler struct {
	*recordingHandler
	level slog.Level
}

func (h levelHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return levelHandler{h.recordingHandler.WithAttrs(attrs).(*recordingHandler), h.level}
}

// SetLogger(nil) discards libbpf's messages.
func TestSetLoggerNilDiscards(t *testing.T) {
	requireKernel(t)
	h := newRecordingHandler()
	useLogger(t, slog.New(h))
	libbpf.SetLogger(nil)
	loadBad(t)
	assert.Empty(t, h.Records(), "the replaced logger gets nothing")
}

// Child scenario of the logging tests, handled in init below: load
// bad.bpf.o (from childObject), which fails with libbpf warnings, under the
// logger setup named by childLogger, and exit 0.
const (
	scenarioLoadBad = "load-bad"
	// childLogger is "default" (no SetLogger call, slog.Default untouched)
	// or "nil" (SetLogger(nil)).
	childLogger = "LIBBPF_GO_TEST_LOGGER"
)

func init() {
	if os.Getenv(childEnv) != scenarioLoadBad {
		return
	}
	if os.Getenv(childLogger) == "nil" {
		libbpf.SetLogger(nil)
	}
	obj, err := libbpf.OpenFile(os.Getenv(childObject), nil)
	if err == nil {
		err = obj.Load()
		obj.Close()
	}
	if err == nil {
		fmt.Fprintln(os.Stderr, "child: bad.bpf.o loaded")
		os.Exit(1)
	}
	os.Exit(0)
}

// loadBadInChild runs the load-bad child with logger and returns its
// stderr.
func loadBadInChild(t *testing.T, logger string) string {
	t.Helper()
	c := startChild(t, "", scenarioLoadBad, []string{
		childObject + "=" + objectPath(t, "bad"),
		childLogger + "=" + logger,
	}, nil)
	c.wait(t)
	return c.stderr.String()
}

// Without SetLogger, libbpf's messages go to slog.Default(), whose default
// handler prints warnings on stderr, tagged component=libbpf, as C libbpf
// prints them; SetLogger(nil) silences them.
func TestDefaultLoggerPrintsWarningsOnStderr(t *testing.T) {
	requireKernel(t)
	stderr := loadBadInChild(t, "default")
	assert.Regexp(t, `(?m)^\S+ \S+ WARN prog 'xdp_unchecked': .*component=libbpf$`, stderr)
	assert.NotContains(t, stderr, "DEBUG", "the default handler leaves out debug messages")

	assert.Empty(t, loadBadInChild(t, "nil"), "SetLogger(nil) discards everything")
}
