"""The username a login typed at a sign-in signs in as (the portal's and the API token's).

Staff type their username as it is. An app whose users may type their login another way
registers a resolver when it starts (its AppConfig.ready): customers register theirs, a phone
number in any format or a portal account's email (customers/accounts.py). This is the one hook
by which the lowest layer learns of them; ``login_name`` asks each resolver in turn.
"""

from collections.abc import Callable

# A resolver answers the username ``text`` signs in as, or None when ``text`` is not its kind of login.
LoginResolver = Callable[[str], str | None]

_resolvers: list[LoginResolver] = []


def register_login_resolver(resolver: LoginResolver) -> None:
    """Let ``login_name`` ask ``resolver`` (once, however often an app starts)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def login_name(text: str) -> str:
    """The username ``text`` signs in as. Input no resolver knows is passed on as typed (without
    surrounding spaces), so the password check (and its timing) still happens and simply fails."""
    text = (text or "").strip()
    for resolver in _resolvers:
        name = resolver(text)
        if name:
            return name
    return text
