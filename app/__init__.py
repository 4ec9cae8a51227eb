"""The running service: wiring of scheduler, feeds server and the operator routes (status, admin)."""
