"""Referrals reported per referrer, station and month (docs/referrals.md#the-report)."""
