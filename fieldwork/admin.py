"""Field service in the admin: each part registers its own models."""

from fieldwork.reports import admin as reports_admin  # noqa: F401
