"""The follow-ups API: callbacks and their calls, and the departments' quality feedback."""
