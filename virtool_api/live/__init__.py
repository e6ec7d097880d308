"""Live updates for the pages: server-sent events of the changes each person may read."""
