"""Callback visits, ratings, feedback and the 1234 rates live here (DESIGN.md sections 6-7)."""
