"""Recall campaigns: a model's or batch's units called back, each with a ticket and a callback."""
