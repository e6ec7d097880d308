"""virtool-api: samples, analyses and workflow jobs for plant virus detection."""
