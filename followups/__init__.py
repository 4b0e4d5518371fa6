"""What follows a resolved case: callbacks, ratings, reminders and feedback to departments.

Owns callback visits and their attempts (the callback queue), satisfaction ratings and the
emailed survey, the daily maintenance and warranty-expiry schedulers, and quality feedback
items with the departments' inbox. Registers its work on the tickets hooks (tickets/hooks.py)
in ``AppConfig.ready()``: a resolution schedules its callback and feeds its fault back.
May use: tickets, notifications, customers, aftersales (not warranty).
"""
