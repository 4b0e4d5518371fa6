"""The rule modules are pure: they import nothing from the ORM, the settings or the clock, and
read no clock; the caller hands them the facts and the time. A scan of each module's source
(import-linter's contract "Rule modules are pure" checks the product's own model modules)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULE_MODULES = [
    "warranty/three_guarantees/*.py",
    "quality/rates/*.py",
    "quality/charts.py",
    "tickets/sla/clocks.py",
    "tickets/transitions.py",
    "tickets/fault_codes.py",
    "customers/business_time.py",
    "customers/warranty_periods.py",
    "parts/waiting.py",
    "fieldwork/slots.py",
    "settlements/rates.py",
    "settlements/check_rules.py",
    "settlements/workflow.py",
    "quality/revenue/arithmetic.py",
    "quality/revenue/months.py",
    "followups/csi/rules.py",
    "followups/plan_timing.py",
    "contracts/cover_rules.py",
    "sales/lead_rules.py",
    "notifications/retention.py",
]
# A module is impure when it imports one of these (or anything inside them), or any models module.
FORBIDDEN_MODULES = ("django.db", "django.conf", "django.utils.timezone")
# Calls that read the clock, by the name they resolve to through the module's imports.
CLOCKS = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.localtime",
    "time.gmtime",
    "django.utils.timezone.now",
    "django.utils.timezone.localtime",
    "django.utils.timezone.localdate",
}
# Modules that break the rule today, with why; each is expected to fail until it is made pure.
KNOWN_IMPURE: dict[str, str] = {}
# Choices (TextChoices) are a vocabulary, not the ORM: importing them reaches no database.
ALLOWED_MODULES = ("django.db.models.enums",)


def forbidden_module(name: str) -> bool:
    if any(name == allowed or name.startswith(f"{allowed}.") for allowed in ALLOWED_MODULES):
        return False
    parts = name.split(".")
    is_models = any(part == "models" or part.endswith("_models") for part in parts)
    return is_models or any(name == banned or name.startswith(f"{banned}.") for banned in FORBIDDEN_MODULES)


def absolute(module: str | None, level: int, package: str) -> str:
    """The absolute name of `from <level dots><module> import ...` written in `package`."""
    if not level:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join([*base, module] if module else base)


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (owner := dotted(node.value)):
        return f"{owner}.{node.attr}"
    return None


def impurities(source: str, package: str) -> list[tuple[int, str]]:
    """(line, what) for every forbidden import and clock call in a module's source."""
    found = []
    bound = {}  # the names the module's imports bind, as the absolute names they stand for
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]  # `import a.b` binds a; `import a.b as c` binds c to a.b
                bound[alias.asname or top] = alias.name if alias.asname else top
                if forbidden_module(alias.name):
                    found.append((node.lineno, f"imports {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node.module, node.level, package)
            for alias in node.names:
                name = f"{module}.{alias.name}"
                bound[alias.asname or alias.name] = name
                if forbidden_module(module) or forbidden_module(name):
                    found.append((node.lineno, f"imports {alias.name} from {module}"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (called := dotted(node.func)):
            first, _, rest = called.partition(".")
            resolved = ".".join(filter(None, [bound.get(first, first), rest]))
            if resolved in CLOCKS:
                found.append((node.lineno, f"reads the clock: {called}()"))
    return sorted(found)


def rule_modules() -> list[Path]:
    return sorted({path for pattern in RULE_MODULES for path in ROOT.glob(pattern)})


def case(path: Path):
    name = path.relative_to(ROOT).as_posix()
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_IMPURE[name])] if name in KNOWN_IMPURE else []
    return pytest.param(path, id=name, marks=marks)


def test_every_listed_rule_module_is_there():
    """A rule module moved or renamed must move in the list above too, or it would go unchecked."""
    missing = [pattern for pattern in RULE_MODULES if not list(ROOT.glob(pattern))]
    assert not missing, f"No module at {missing}: update RULE_MODULES in {Path(__file__).name}"
    assert set(KNOWN_IMPURE) <= {path.relative_to(ROOT).as_posix() for path in rule_modules()}


@pytest.mark.parametrize("path", [case(path) for path in rule_modules()])
def test_a_rule_module_imports_no_orm_settings_or_clock_and_reads_no_clock(path):
    name = path.relative_to(ROOT).as_posix()
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = impurities(path.read_text(encoding="utf-8"), package)
    assert not found, f"{name} is a rule module and must stay pure:\n" + "\n".join(
        f"  {name}:{line}: {what}" for line, what in found
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from django.db import models", [(1, "imports models from django.db")]),
        ("from django.db.models import Q", [(1, "imports Q from django.db.models")]),
        ("from django.db.models import TextChoices", [(1, "imports TextChoices from django.db.models")]),
        ("from django.db.models.enums import TextChoices", []),
        ("import django.conf", [(1, "imports django.conf")]),
        ("from django.conf import settings", [(1, "imports settings from django.conf")]),
        ("from django.utils import timezone", [(1, "imports timezone from django.utils")]),
        ("from django.utils.timezone import now", [(1, "imports now from django.utils.timezone")]),
        ("from tickets.models import Ticket", [(1, "imports Ticket from tickets.models")]),
        ("from customers import calendar_models", [(1, "imports calendar_models from customers")]),
        ("from . import models", [(1, "imports models from tickets.sla")]),
        ("from ..models import Ticket", [(1, "imports Ticket from tickets.models")]),
        ("import datetime as dt\ndt.datetime.now()", [(2, "reads the clock: dt.datetime.now()")]),
        ("import datetime\ndatetime.date.today()", [(2, "reads the clock: datetime.date.today()")]),
        ("from datetime import date as D\nD.today()", [(2, "reads the clock: D.today()")]),
        ("from datetime import datetime\nx = datetime.utcnow()", [(2, "reads the clock: datetime.utcnow()")]),
        ("import time\ntime.time()", [(2, "reads the clock: time.time()")]),
        ("from time import time\ntime()", [(2, "reads the clock: time()")]),
        # What a pure module does: takes the time from its caller, builds dates, translates.
        ("import datetime as dt\ndef f(now): return now.date() + dt.timedelta(days=1)", []),
        ("from datetime import date\ndate(2026, 1, 1)", []),
        ("from django.utils.translation import gettext_lazy as _", []),
        ("def f(clock): return clock.now()", []),
    ],
)
def test_the_scan_finds_what_it_forbids(source, expected):
    assert impurities(source, "tickets.sla") == expected
