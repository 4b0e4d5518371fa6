"""Selling from service (docs/sales.md, docs/referrals.md).

Owns the editable lead rules and the consumables that fall due by usage, the leads that service
events produce with their owner (sales staff or a dealer) and their steps, and the referral
report. Uses everything up to followups; the quality dashboard reads it.
"""
