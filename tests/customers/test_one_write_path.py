"""One write path: a customer's details, a product unit's status, API tokens and webhook
subscriptions are each written by one service module, which every view, form, admin, API endpoint and task calls.

Read from the source (no database): an assignment to one of those fields, a ``setattr`` on a
customer, a query's ``update()``/``create()`` naming them, or a token row created or deleted,
anywhere else in the product's code is a second writer. Migrations are history and are not read.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "aftersales",
    "customers",
    "notifications",
    "tickets",
    "contracts",
    "warranty",
    "followups",
    "sales",
    "quality",
    "archive",
    "portal",
    "demo",
)

# What a customer is known by and reached through, and the proofs of their phone, email and account.
CUSTOMER_DETAILS = frozenset(
    {
        "name",
        "phone",
        "email",
        "email_verified",
        "address",
        "region",
        "preferred_language",
        "preferred_channel",
        "optional_messages",
        "phone_verified_at",
        "account_verified_at",
        "user",
        "offers_consent",
        "offers_consent_at",
        "offers_consent_source",
        "referred_by",
        "referred_at",
        "referral_channel",
    }
)
CUSTOMER_WRITERS = frozenset(
    {
        "customers/services.py",
        "customers/accounts.py",
        "customers/preferences.py",
        "customers/offers.py",
        "customers/referrals.py",
    }
)
UNIT_STATUS_WRITERS = frozenset({"customers/units.py"})
TOKEN_WRITERS = frozenset({"aftersales/api/token_store.py"})
SUBSCRIPTION_FIELDS = frozenset({"owner", "url", "events", "description", "secret", "is_active", "deleted_at"})
SUBSCRIPTION_WRITERS = frozenset({"notifications/webhooks/subscriptions.py"})

QUERY_WRITES = frozenset({"update", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"})
TOKEN_ROW_WRITES = QUERY_WRITES | {"delete"}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path))


def _root_name(node: ast.AST) -> str | None:
    """The name an attribute chain or call chain starts from: ``Customer`` in
    ``Customer.objects.filter(...).update(...)``, ``locked`` in ``locked.email``."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _named(name: str, word: str) -> bool:
    return name == word or name.endswith(f"_{word}")


def _holds(expr: ast.AST, holders: set[str], word: str, model: str) -> bool:
    """Whether ``expr`` is a ``model`` row: a name that holds one, an attribute named after it
    (``claim.unit``, ``self.customer``), or a query of the model (``Customer.objects.get(...)``)."""
    if isinstance(expr, ast.Name):
        return expr.id in holders or _named(expr.id, word)
    if isinstance(expr, ast.Attribute) and _named(expr.attr, word):
        return True
    return isinstance(expr, ast.Call) and _root_name(expr) == model


def _holders(function: ast.AST, word: str, model: str) -> set[str]:
    """Names in ``function`` that hold a ``model`` row: parameters named after it or annotated
    with it, and names assigned one (``locked = Customer.objects.select_for_update().get(...)``)."""
    names: set[str] = set()
    if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        args = function.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            annotated = arg.annotation is not None and model in ast.unparse(arg.annotation).split(" | ")
            if _named(arg.arg, word) or annotated:
                names.add(arg.arg)
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and _holds(node.value, names, word, model):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def _scopes(tree: ast.Module) -> list[ast.AST]:
    return [tree, *(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef))]


def _writes(module: ast.Module, *, word: str, model: str, fields: frozenset[str]) -> set[str]:
    """Where ``module`` writes ``fields`` of a ``model`` row, as "line: what"."""
    found: set[str] = set()
    for scope in _scopes(module):
        holders = _holders(scope, word, model)
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for part in (part for target in targets for part in ast.walk(target)):
                    if (
                        isinstance(part, ast.Attribute)
                        and isinstance(part.ctx, ast.Store)
                        and part.attr in fields
                        and _holds(part.value, holders, word, model)
                    ):
                        found.add(f"{part.lineno}: {ast.unparse(part)} = ...")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "setattr"
                and node.args
                and _holds(node.args[0], holders, word, model)
            ):
                found.add(f"{node.lineno}: {ast.unparse(node)}")
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        named = {keyword.arg for keyword in node.keywords} & fields
        if named and isinstance(node.func, ast.Name) and node.func.id == model:
            found.add(f"{node.lineno}: {model}({', '.join(sorted(named))}=...)")
        elif (
            named
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_WRITES
            and _root_name(node.func) == model
        ):
            found.add(f"{node.lineno}: {model}...{node.func.attr}({', '.join(sorted(named))}=...)")
    return found


def _token_row_writes(module: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "AuthToken":
            found.add(f"{node.lineno}: AuthToken(...)")
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in TOKEN_ROW_WRITES
            and _root_name(node.func) == "AuthToken"
        ):
            found.add(f"{node.lineno}: AuthToken...{node.func.attr}(...)")
    return found


MODULES = dict(_modules())


def test_the_scan_reads_the_product():
    assert {"customers/services.py", "customers/units.py", "aftersales/api/token_store.py"} <= set(MODULES)
    assert len(MODULES) > 150


@pytest.mark.parametrize(
    "check, writers",
    [
        (lambda module: _writes(module, word="customer", model="Customer", fields=CUSTOMER_DETAILS), CUSTOMER_WRITERS),
        (lambda module: _writes(module, word="unit", model="ProductUnit", fields=frozenset({"status"})), UNIT_STATUS_WRITERS),
        (_token_row_writes, TOKEN_WRITERS),
        (
            lambda module: _writes(module, word="subscription", model="WebhookSubscription", fields=SUBSCRIPTION_FIELDS),
            SUBSCRIPTION_WRITERS,
        ),
    ],
    ids=["customer details", "unit status", "API token rows", "webhook subscriptions"],
)  # fmt: skip
def test_only_the_service_module_writes(check, writers):
    elsewhere = {
        path: sorted(found) for path, module in MODULES.items() if path not in writers if (found := check(module))
    }
    assert elsewhere == {}
    # The writers themselves are found by the same scan: it would see a second one.
    assert all(check(MODULES[path]) for path in writers)
