"""The reminder worker, a process of its own: `python -m app.worker`."""
