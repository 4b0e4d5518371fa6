"""The demo data set's tables, shared by the ``demo`` and ``seed`` commands.

Free texts come as ``(English, Chinese)`` pairs; the demo writes each ticket in its
customer's preferred language.
"""
