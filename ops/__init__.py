"""Operator support below the application: source status, progress lines, pid file, signals."""
