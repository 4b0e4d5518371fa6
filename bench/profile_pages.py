"""Where the hot pages spend their time: a statistical profile (pyinstrument) of the desk's ticket
page and queue, the API's ticket list and the portal submission, in-process, on the benchmark
database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench_1m \\
        .venv/bin/python bench/profile_pages.py --label after

Each page is requested ``--warmup`` times, then ``--repeat`` times under the profiler (the desk
pages and the API list as an agent and a manager of headquarters, the portal form posted by a
new customer each time, from an address of its own). The summary of each page groups the
sampled time by where it was spent (SQL, templates, forms, translation, middleware, the
product's own code…) and names the functions with the most time of their own. It is printed
and, with ``--label``, written into bench/RESULTS.md between ``<!-- profile:LABEL -->``
comments, so a profile taken before a change and one taken after sit side by side. The database
must already hold the volume (bench/queue_bench.py or bench/load_bench.py seed it).
"""

import argparse
import datetime as dt
import itertools
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_portal  # noqa: E402
from bench_measure import write_results  # noqa: E402
from bench_setup import bench_user, database_url, machine, setup_django  # noqa: E402

# Where a sampled frame's own time is counted: the first rule whose fragment is in its file path.
AREAS = [
    ("SQL (driver and server)", ("psycopg", "/django/db/backends/")),
    ("ORM: building queries, making objects", ("/django/db/models/", "/django/db/")),
    ("templates", ("/django/template/", "/django/templatetags/")),
    ("forms and widgets", ("/django/forms/",)),
    (
        "translation and formatting",
        ("/django/utils/translation/", "/django/utils/formats", "/django/utils/dateformat", "babel", "phonenumbers"),
    ),
    ("REST framework", ("/rest_framework/", "/drf_spectacular/", "/django_filters/")),
    (
        "sessions, auth, middleware",
        (
            "/django/contrib/sessions/",
            "/django/contrib/auth/",
            "/django/middleware/",
            "/csp/",
            "/axes/",
            "/whitenoise/",
            "/django_scopes/",
        ),
    ),
    ("cache and Redis", ("/django/core/cache/", "/redis/")),
    ("URLs and request handling", ("/django/urls/", "/django/core/handlers/", "/django/http/", "/django/test/")),
    (
        "the product's code",
        (
            "/aftersales/",
            "/tickets/",
            "/customers/",
            "/portal/",
            "/network/",
            "/warranty/",
            "/parts/",
            "/contracts/",
            "/followups/",
            "/fieldwork/",
            "/quality/",
            "/notifications/",
            "/sales/",
            "/settlements/",
            "/archive/",
        ),
    ),
]


def area_of(path: str) -> str:
    for name, fragments in AREAS:
        if any(fragment in path for fragment in fragments):
            return name
    return "Python and other libraries"


def own_times(session) -> tuple[Counter, Counter]:
    """Seconds of own time by area and by function (``file:line function``) over the session."""
    by_area: Counter = Counter()
    by_function: Counter = Counter()
    root = session.root_frame()
    stack = [root] if root else []
    while stack:
        frame = stack.pop()
        stack.extend(frame.children)
        own = frame.total_self_time
        if own <= 0 or frame.file_path is None:
            continue
        path = frame.file_path
        by_area[area_of(path)] += own
        short = path.split("site-packages/")[-1].split("/work/main/")[-1]
        by_function[f"{frame.function} ({short}:{frame.line_no})"] += own
    return by_area, by_function


def pages(args: argparse.Namespace) -> list[tuple[str, object, object]]:
    """Each page: its name, the client (signed in as it needs) and a function making one request."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from customers.models import ProductModel
    from tickets.models import Ticket

    agent = bench_user()
    manager = bench_user("manager", "bench-manager", ("Bench", "Manager"))
    references = list(Ticket.objects.order_by("?").values_list("reference", flat=True)[: args.repeat + args.warmup])
    desk = Client(raise_request_exception=True)
    desk.force_login(agent)
    api = Client(raise_request_exception=True)
    api.force_login(manager)
    portal_client = Client(raise_request_exception=True)
    model = ProductModel.objects.filter(is_active=True).order_by("code").values_list("code", flat=True).first()
    queue, ticket_list = reverse("desk:queue"), reverse("api:ticket-list")
    picks = itertools.cycle(references)
    numbers = itertools.count(int(time.time()) % 10**7 * 10)
    get_user_model()  # the user model is loaded before the first timed request

    def ticket_page():
        return desk.get(reverse("desk:ticket", kwargs={"reference": next(picks)}))

    # The load benchmark's form (bench/load_portal.py), with phones of a range of its own.
    portal = {
        "descriptions": ["It stopped working this morning and shows an error code."],
        "models": [model],
        "purchase_date": (dt.date.today() - dt.timedelta(days=200)).isoformat(),
        "phone_prefix": "+86197",
    }

    def submission():
        number = next(numbers)
        return portal_client.post(
            reverse("portal:submit"),
            load_portal.submission(portal, number),
            REMOTE_ADDR=f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}",
        )

    return [
        ("desk: ticket page", ticket_page, (200,)),
        ("desk: queue, default", lambda: desk.get(queue), (200,)),
        ("api: tickets, default", lambda: api.get(ticket_list), (200,)),
        ("portal: submit (POST)", submission, (302,)),
    ]


def profile(name: str, request, expected: tuple[int, ...], args: argparse.Namespace) -> str:
    from pyinstrument import Profiler

    for _ in range(args.warmup):
        status = request().status_code
        if status not in expected:
            raise SystemExit(f"{name}: HTTP {status}")
    profiler = Profiler(interval=0.001)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.repeat):
        request()
    profiler.stop()
    per_request = (time.perf_counter() - started) * 1000 / args.repeat
    by_area, by_function = own_times(profiler.last_session)
    total = sum(by_area.values()) or 1.0
    lines = [
        f"**{name}**: {per_request:.1f} ms a request under the profiler ({args.repeat} requests)",
        "",
        "| where the time went | share |",
        "|---|---:|",
        *(f"| {area} | {seconds / total:.0%} |" for area, seconds in by_area.most_common()),
        "",
        f"Functions with the most time of their own (ms a request, of {per_request:.1f}):",
        "",
        *(
            f"- {seconds * 1000 / args.repeat:.2f} `{function}`"
            for function, seconds in by_function.most_common(args.top)
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--top", type=int, default=12, help="functions listed per page")
    parser.add_argument("--only", default="", help="profile the pages whose name contains this")
    parser.add_argument("--label", default="", help="write the summary into RESULTS.md under this label")
    args = parser.parse_args()
    setup_django(database_url())
    from django.test.utils import override_settings

    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    info = machine()
    parts = []
    with override_settings(STORAGES=plain_static):
        for name, request, expected in pages(args):
            if args.only and args.only not in name:
                continue
            summary = profile(name, request, expected, args)
            print(summary)
            parts.append(summary)
    if args.label:
        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        section = (
            f"<!-- profile:{args.label} -->\n## Profile of the hot pages: {args.label}\n\n"
            f"Run {stamp} · {info['cpu']}  \n{info['postgres']} · {info['python']}  \n"
            "Written by `bench/profile_pages.py` (pyinstrument, in-process, DEBUG off).\n\n"
            + "\n".join(parts)
            + f"<!-- /profile:{args.label} -->\n"
        )
        write_results(section, args.label, marker="profile")


if __name__ == "__main__":
    main()
