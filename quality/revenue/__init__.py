"""The revenue side of service on the dashboard: contracts sold and renewed, contract coverage of
registered units, leads and their conversion, referrals, and revenue by station and month
(docs/revenue.md)."""
