"""The manager dashboard: figures read from the snapshots, drill-downs, exports, thresholds and alerts."""
