"""Server wiring: the two applications (`app.py`), who is calling them (`auth.py`), the `Context` a process
runs on (`context.py`), who follows which domain event (`subscriptions.py`), the health checks and start-up
repairs a serving process runs, and what an operator sees of it (`observability.py`). Everything here sits
above the domains."""
