"""Quality control: the 1234 rates, and what managers do about them.

Owns the KPI queries (metrics), the pure rate arithmetic (rates/) and chart geometry
(charts.py), daily snapshots, thresholds and alerts, the batch early warning, recall campaigns,
the manager dashboard and the metrics API. Every formula is in docs/kpis.md.
May use: followups, warranty, tickets, notifications, customers, aftersales.
"""
