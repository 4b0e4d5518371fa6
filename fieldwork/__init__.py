"""The technician's day: people and capacity, visit slots and bookings, dispatch, the on-site job
and the signed service report.

Owns technician profiles (stations, skills, visits per slot), station slot settings, visits
(booked slots with their check-in and check-out), the on-site job record with its photos and the
customer's signature, service reports (the repair record as a PDF) and idempotency keys of job
submissions. May use: warranty, parts, tickets, notifications, customers, aftersales.
"""
