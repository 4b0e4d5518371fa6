"""A portal repair request from a new customer, as the load benchmark sends it: the locust users
(bench/locustfile.py) over HTTP and the in-process table (load_inprocess.py) through
django.test.Client. No Django here: locust imports it too.

Each submission has a phone number nobody has (``PHONE_PREFIX`` followed by a number above the
highest the database already holds: neither ``demo`` nor ``seed`` uses that range) and comes from
a client address of its own (``address``), so the per-phone and per-address limits count as they
would for real customers, and none of them stops the run."""

import random

# Portal submissions use numbers in this mobile range, which neither `demo` nor `seed` uses.
PHONE_PREFIX = "+86198"


def address(number: int) -> str:
    """The ``number``-th address of 198.18.0.0/15, the range set aside for benchmarks (RFC 2544).

    The locust users count from 1 (198.18.0.1, …); the in-process submissions take theirs from
    198.19.0.0/16, so the two never share a per-address limit."""
    return f"198.{18 + (number >> 16) % 2}.{(number >> 8) % 256}.{number % 256}"


def submission(portal: dict, number: int) -> dict[str, str]:
    """The form's fields for the ``number``-th new customer (without the CSRF token): a repair
    of one of the catalogue's models, the honeypot left empty, no proof of purchase."""
    return {
        "website": "",  # the honeypot: people leave it empty
        "kind": "repair",
        "description": random.choice(portal["descriptions"]),
        "model": random.choice(portal["models"]),
        "serial": f"LB{number:010d}",
        "purchase_date": portal["purchase_date"],
        "name": f"Load Bench {number}",
        "phone": f"{portal['phone_prefix']}{number % 10**8:08d}",
        "email": "",
        "address": f"{number % 9999 + 1} Bench Road, Pudong, Shanghai",
        "region": "Shanghai",
        "language": "",
        "preferred_visit_date": "",
        "preferred_visit_slot": "",
    }
