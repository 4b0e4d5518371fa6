"""Tickets, from the first contact to the closed case.

Owns service stations, fault categories and fault codes, tickets with their append-only
timeline and attachments; the lifecycle (transitions.py, and the one service that writes a
status), SLA targets, clocks and escalation; intake; what the customer is told about their
ticket; the staff desk and the tickets API. Higher apps act in its transactions through the
registry of tickets/hooks.py. May use: notifications, customers, aftersales.
"""
