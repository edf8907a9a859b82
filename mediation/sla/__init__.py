"""Statutory time: the one clock, the working-day calendar, deadline rows and the sweeper."""
