"""Runners: the processes that run jobs report themselves here, so people can see who takes which workflow."""
