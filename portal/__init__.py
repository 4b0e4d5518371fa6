"""The public customer portal at ``/``, and optional customer accounts.

Owns the pages customers use without a staff account (request service, track a request,
register a product, help answers and prices) and customer accounts (sign up, sign in by code
or password, the account page). Its writes go through the services of the apps below.
May use: quality, followups, warranty, tickets, notifications, customers, aftersales.
"""
