"""Every message to a customer or a staff member, and every webhook to an integrator.

Owns the outbox (one row per SMS or email, written in the caller's transaction and sent after
the commit), the SMS and email backends, message rendering, and webhooks: subscriptions, signed
delivery and retries. May use: customers, aftersales.
"""
