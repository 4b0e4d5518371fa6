"""Service contracts: extended warranties and maintenance plans sold on registered units
(docs/contracts.md).

Owns the catalogue of contract products, the contracts sold (from the desk, on the
warranty-expiry call, on the portal, as renewals), the visits a maintenance plan includes and
the odometer readings that time a car's visits. What a contract adds to the statutory
three-guarantees cover is decided by the pure ``contracts/cover_rules.py``. Uses customers,
network and tickets; warranty, followups and the portal use it.
"""
