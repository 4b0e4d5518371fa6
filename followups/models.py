"""Follow-ups own no tables of their own yet.

Callback visits, attempts and satisfaction ratings live in ``tickets/models.py``: the ticket
lifecycle depends on them (resolving creates the after-service callback in the same
transaction, and verifying needs it settled), and apps depend one way only, customers ←
tickets ← followups. This app holds the work around them: the callback queue, the daily
scheduling, the emailed survey and the quality rates (DESIGN.md sections 6 and 7).
"""
