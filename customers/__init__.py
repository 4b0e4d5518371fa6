"""Customers, the product catalogue and the product units customers own.

Owns customers and their message preferences, phone numbers and one-time codes, product
categories and models, the versioned three-guarantees policies (``WarrantyPolicy``), registered
units, help answers and the price list, the business and national calendars, and the pure rules
of business time and warranty periods. May use: aftersales.
"""
