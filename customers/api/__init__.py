"""The customer and product-unit endpoints of the API: filters, serializers, views and their routes."""
