"""Running the service unattended: logs, metrics, status, progress, pid file, operator HTTP routes."""
