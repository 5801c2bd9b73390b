"""One function per use case: takes a session (or a database) and plain values, returns views."""
