"""The emailed after-service survey: its signed link, its form and its page."""
