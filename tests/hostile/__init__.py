"""Hostile inputs, crash safety, concurrency and fuzzing (issue 7); figures in docs/reliability.md."""
