"""What an operator runs besides serving: the `virtool-api` commands that open the stores (`commands.py`,
`users.py`, `hmms.py`, `copy_to_servers.py`). Everything here sits above the server wiring."""
