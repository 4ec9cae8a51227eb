"""Logs and metrics: the lowest layer, so any room may log or count."""
