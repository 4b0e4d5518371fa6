"""Spare parts: the catalogue, stock per station and the ledger behind it.

Owns the parts catalogue (part numbers, names, the models each part fits, cost, price and the
part's own warranty), stock levels per station kept consistent with an append-only ledger of
movements (goods received, transfers, counts, reservations, use on a job), parts orders of a
ticket waiting for parts, and old-part returns (RMA) of parts replaced under warranty. May use:
tickets, notifications, customers, aftersales.
"""
