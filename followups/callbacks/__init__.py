"""Callback visits: scheduling them, the agents' queue and recording each call."""
