"""Field service in the admin: each part of the app registers its own models' pages."""

from django.contrib import admin

from fieldwork.reports import admin as reports_admin

reports_admin.register(admin.site)
