"""The quality API: metrics, recall campaigns and quality alerts."""
