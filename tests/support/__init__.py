"""What many test modules share: expected error bodies, server processes, fixtures' helpers."""
