"""The browser client: its page, its files and the API documentation, served by the public app."""
