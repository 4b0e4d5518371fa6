"""The three guarantees (三包): the rule engine, and the claims decided with it.

Owns the pure engine (three_guarantees/), its bridge to the records (evaluation.py), warranty
claims from evaluation to execution (claims.py), the desk's claim pages and printable repair
record, and the evaluation and claims API. The policies it applies are customers' versioned
``WarrantyPolicy``. Registers its timeline texts and desk sections on tickets/hooks.py.
May use: tickets, notifications, customers, aftersales (not followups).
"""
