package libbpf

// TEMPORARY (branch wt-errB only): stand-ins for helpers that the
// branches converting map*.go (wt-errC) and program*.go, link*.go
// (wt-errA) define, so that this branch builds and its tests run on its
// own. DELETE THIS FILE WHEN MERGING: the real Map.subject, Program.subject,
// Link.subject and wrapOp replace these.

// subject stands in for wt-errC's Map.subject.
func (m *Map) subject() string {
	if m == nil {
		return "map"
	}
	return "map " + m.name
}

// subject stands in for wt-errA's Program.subject.
func (p *Program) subject() string {
	if p == nil {
		return "program"
	}
	return "program " + p.name
}

// subject stands in for wt-errA's Link.subject.
func (l *Link) subject() string { return "link" }

// wrapOp stands in for wt-errC's wrapOp: err, the failure of op on
// subject, as an OpError, kept as it is when it is already one of op.
func wrapOp(op, subject string, err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *OpError:
		if e.Op == op {
			return e
		}
	}
	return opError(op, subject, "", err)
}
