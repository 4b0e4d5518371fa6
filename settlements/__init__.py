"""Warranty claim settlement: what the manufacturer pays its service providers for warranty work
(docs/settlement.md).

Owns the rate cards (labour per product category and job type, travel by distance band,
effective-dated), the settlement line a verified warranty job creates, the automatic checks that
flag a line for review, and the monthly statements a provider submits and headquarters reviews,
approves and pays. May use every app below it: quality, followups, fieldwork, warranty, parts,
tickets, network, notifications, customers, aftersales.
"""
