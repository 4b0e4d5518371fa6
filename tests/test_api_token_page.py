"""The desk's "API access" page: a member of staff creates, replaces and revokes their own API token.

A new key is shown once, in the answer to the POST that made it, never cached; the page never
shows an existing key; the key it shows authenticates the API until it is replaced or revoked.
"""

import logging
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from aftersales.api.token_store import token_issue
from aftersales.roles import Role
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/desk/account/api-token/"
API_TOKEN = "/api/auth/token/"
KEY_INPUT = re.compile(r'<input type="text" id="api-token-key" class="ref" value="([0-9a-f]{64})"')
ALREADY = "You already have a token, and its key is not shown again. Replace it to get a new key."
REVOKED = "Your token is revoked. Integrations that use it are refused from now on."
NOTHING_TO_REVOKE = "You have no token: there was nothing to revoke."
UNKNOWN = "Unknown action: nothing was changed."


def _signed_in(user, client: Client | None = None) -> Client:
    client = client or Client()
    client.force_login(user)
    return client


def _shown_key(response) -> str:
    """The key the page shows, checking it is there exactly once (the readonly field)."""
    body = response.content.decode()
    match = KEY_INPUT.search(body)
    assert match, "no key on the page"
    key = match.group(1)
    assert body.count(key) == 1
    return key


def _api_status(key: str):
    return APIClient().get(API_TOKEN, HTTP_AUTHORIZATION=f"Token {key}")


def _portal_customer():
    user = factories.UserFactory(username="+8613900000001", first_name="Li Na", last_name="")
    factories.CustomerFactory(phone="+8613900000001", name="Li Na", user=user)
    return user


# --- who may open it ----------------------------------------------------------------------------


def test_the_page_is_reached_from_the_desks_user_tools(agent):
    client = _signed_in(agent)
    queue = client.get(reverse("desk:queue")).content.decode()
    assert f'<a href="{PAGE}">API access</a>' in queue
    page = client.get(PAGE).content.decode()
    assert f'<a href="{PAGE}" aria-current="page">API access</a>' in page


@pytest.mark.parametrize("role", [Role.AGENT, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN, Role.DEPARTMENT])
def test_every_staff_role_that_signs_in_at_the_desk_may_use_it(role):
    user = factories.UserFactory(username=f"{role}-token", roles=[role])
    client = _signed_in(user)

    page = client.get(PAGE)
    created = client.post(PAGE, {"action": "create", "password": PASSWORD})

    assert page.status_code == 200
    assert f'<a href="{PAGE}" aria-current="page">API access</a>' in page.content.decode()
    assert created.status_code == 200
    assert AuthToken.objects.get(user=user).digest == hash_token(_shown_key(created))


def test_a_superuser_without_groups_counts_as_an_administrator():
    superuser = factories.UserFactory(username="root-token", is_superuser=True, is_staff=True)
    assert _signed_in(superuser).get(PAGE).status_code == 200


def test_the_department_user_sees_the_link_on_their_inbox(department_user):
    inbox = _signed_in(department_user).get(reverse("feedback:inbox")).content.decode()
    assert f'<a href="{PAGE}">API access</a>' in inbox


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_created(client, method):
    response = getattr(client, method)(PAGE, {"action": "create", "password": PASSWORD} if method == "post" else None)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('desk:login')}?next={PAGE}"
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("action", ["create", "replace", "revoke"])
def test_a_portal_customer_is_refused_and_nothing_changes(action):
    user = _portal_customer()
    client = _signed_in(user)

    page = client.get(PAGE)
    post = client.post(PAGE, {"action": action})

    assert (page.status_code, post.status_code) == (403, 403)
    assert not AuthToken.objects.exists()


def test_a_portal_customers_token_survives_a_refused_revoke():
    user = _portal_customer()
    token = token_issue(user=user)

    response = _signed_in(user).post(PAGE, {"action": "revoke"})

    assert response.status_code == 403
    assert AuthToken.objects.get(user=user).digest == token.token.digest


def test_a_signed_in_user_without_a_role_is_refused(client):
    user = factories.UserFactory(username="nobody-in-particular")
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"action": "create", "password": PASSWORD}).status_code == 403
    assert not AuthToken.objects.exists()


# --- the page -----------------------------------------------------------------------------------


def test_without_a_token_the_page_offers_to_create_one_and_creates_nothing(agent, django_assert_num_queries):
    client = _signed_in(agent)
    # user, roles, token
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(3):
        response = client.get(PAGE)

    body = response.content.decode()
    assert response.status_code == 200
    assert "You have no token." in body
    assert 'name="action" value="create"' in body
    assert 'value="replace"' not in body and 'value="revoke"' not in body
    assert not KEY_INPUT.search(body)
    assert not AuthToken.objects.exists()


def test_with_a_token_the_page_says_since_when_but_never_shows_the_key(agent, django_assert_num_queries):
    token = token_issue(user=agent)
    client = _signed_in(agent)
    # user, roles, token
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(3):
        response = client.get(PAGE)

    body = response.content.decode()
    assert response.status_code == 200
    assert token.key not in body
    assert not KEY_INPUT.search(body)
    created = timezone.localtime(token.token.created)  # as the desk shows times: the business time zone
    assert f"You have a token, created {created.day} {created:%b %Y %H:%M}." in body
    assert "Its key is not shown again: replace the token to get a new key." in body
    assert 'name="action" value="replace"' in body and 'name="action" value="revoke"' in body
    assert 'value="create"' not in body
    assert AuthToken.objects.get(user=agent).digest == token.token.digest


def test_the_page_renders_in_chinese(agent):
    token_issue(user=agent)
    client = _signed_in(agent)
    client.cookies.load({"django_language": "zh-hans"})

    page = client.get(PAGE)
    created = client.post(PAGE, {"action": "replace", "password": PASSWORD})

    for response in (page, created):
        body = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="zh-hans">' in body
        assert "退出登录" in body  # the desk's own strings are in Chinese around the page
    assert AuthToken.objects.get(user=agent).digest == hash_token(_shown_key(created))


# --- create -------------------------------------------------------------------------------------


def test_create_shows_the_new_key_once_uncached_and_it_authenticates_the_api(agent):
    client = _signed_in(agent)
    assert not AuthToken.objects.exists()

    response = client.post(PAGE, {"action": "create", "password": PASSWORD})

    assert response.status_code == 200
    token = AuthToken.objects.get()
    key = _shown_key(response)
    assert token.user == agent
    assert token.digest == hash_token(key)  # only the hash is stored
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Authorization: Token &lt;key&gt;" in body
    assert f'<a href="{reverse("api:docs")}">API documentation</a>' in body
    # Not carried in the session or the URL: the next visit does not show it.
    assert key not in str(dict(client.session))
    after = client.get(PAGE)
    assert key not in after.content.decode()

    status = _api_status(key)
    assert status.status_code == 200
    assert status.json()["exists"] is True


def test_creating_again_never_reveals_the_existing_key(agent):
    token = token_issue(user=agent)
    client = _signed_in(agent)

    response = client.post(PAGE, {"action": "create", "password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert token.key not in response.content.decode()
    assert list(AuthToken.objects.values_list("user", "digest")) == [(agent.pk, token.token.digest)]
    page = client.get(response["Location"])
    body = page.content.decode()
    assert ALREADY in body
    assert token.key not in body


def test_the_key_is_not_logged(agent, caplog):
    client = _signed_in(agent)
    with caplog.at_level(logging.DEBUG):
        created = client.post(PAGE, {"action": "create", "password": PASSWORD})
        replaced = client.post(PAGE, {"action": "replace", "password": PASSWORD})
    keys = {_shown_key(created), _shown_key(replaced)}
    assert not [record for record in caplog.records if any(key in record.getMessage() for key in keys)]


# --- replace ------------------------------------------------------------------------------------


def test_replace_revokes_the_old_key_and_shows_the_new_one_once(agent):
    old = token_issue(user=agent)
    client = _signed_in(agent)
    assert _api_status(old.key).status_code == 200

    response = client.post(PAGE, {"action": "replace", "password": PASSWORD})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = AuthToken.objects.get(user=agent)
    new_key = _shown_key(response)
    assert AuthToken.objects.count() == 1
    assert new_key != old.key
    assert new.digest == hash_token(new_key)
    assert old.key not in response.content.decode()
    assert _api_status(old.key).status_code == 401
    assert _api_status(new_key).status_code == 200
    assert new_key not in client.get(PAGE).content.decode()


def test_replace_without_a_token_creates_one(agent):
    response = _signed_in(agent).post(PAGE, {"action": "replace", "password": PASSWORD})

    assert response.status_code == 200
    assert hash_token(_shown_key(response)) == AuthToken.objects.get(user=agent).digest


def test_replace_touches_no_one_elses_token(agent, manager):
    theirs = token_issue(user=manager)
    token_issue(user=agent)

    _signed_in(agent).post(PAGE, {"action": "replace", "password": PASSWORD})

    assert AuthToken.objects.get(user=manager).digest == theirs.token.digest
    assert AuthToken.objects.count() == 2


# --- revoke -------------------------------------------------------------------------------------


def test_a_key_made_on_the_page_works_until_it_is_revoked_there(agent):
    client = _signed_in(agent)
    key = _shown_key(client.post(PAGE, {"action": "create", "password": PASSWORD}))
    assert _api_status(key).status_code == 200

    response = client.post(PAGE, {"action": "revoke"})

    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert not AuthToken.objects.exists()
    assert _api_status(key).status_code == 401
    body = client.get(PAGE).content.decode()
    assert REVOKED in body
    assert "You have no token." in body


def test_revoke_without_a_token_says_so(agent, manager):
    theirs = token_issue(user=manager)
    client = _signed_in(agent)

    response = client.post(PAGE, {"action": "revoke"})

    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert NOTHING_TO_REVOKE in client.get(PAGE).content.decode()
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [theirs.token.digest]


# --- bad requests -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [{"action": "steal"}, {"action": ""}, {}, {"action": ["create", "x"]}])
def test_an_unknown_action_is_a_400_and_changes_nothing(agent, data):
    token = token_issue(user=agent)

    response = _signed_in(agent).post(PAGE, data)

    body = response.content.decode()
    assert response.status_code == 400
    assert UNKNOWN in body
    assert token.key not in body
    assert list(AuthToken.objects.values_list("user", "digest")) == [(agent.pk, token.token.digest)]


def test_get_with_an_action_changes_nothing(agent):
    response = _signed_in(agent).get(PAGE, {"action": "create", "password": PASSWORD})

    assert response.status_code == 200
    assert not KEY_INPUT.search(response.content.decode())
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(agent, method):
    token = token_issue(user=agent)
    response = getattr(_signed_in(agent), method)(PAGE)
    assert response.status_code == 405
    assert AuthToken.objects.get(user=agent).digest == token.token.digest


def test_csrf_is_enforced(agent):
    client = _signed_in(agent, Client(enforce_csrf_checks=True))

    refused = client.post(PAGE, {"action": "create", "password": PASSWORD})

    assert refused.status_code == 403
    assert not AuthToken.objects.exists()

    page = client.get(PAGE).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    accepted = client.post(PAGE, {"action": "create", "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    assert accepted.status_code == 200
    assert hash_token(_shown_key(accepted)) == AuthToken.objects.get(user=agent).digest


def test_csrf_is_enforced_on_revoke(agent):
    token = token_issue(user=agent)
    client = _signed_in(agent, Client(enforce_csrf_checks=True))

    assert client.post(PAGE, {"action": "revoke"}).status_code == 403
    assert client.post(PAGE, {"action": "replace", "password": PASSWORD}).status_code == 403
    assert AuthToken.objects.get(user=agent).digest == token.token.digest


# --- a new key only in answer to the password ---------------------------------------------------

WRONG = "not-my-password"


def _password_error(response) -> str:
    assert response.status_code == 400
    [error] = re.findall(r'<p class="error" id="id_password-error">([^<]*)</p>', response.content.decode())
    return error


@pytest.mark.parametrize("action", ["create", "replace"])
def test_a_new_key_needs_the_password_and_nothing_changes_without_it(agent, action):
    old = token_issue(user=agent) if action == "replace" else None
    client = _signed_in(agent)

    missing = client.post(PAGE, {"action": action})
    wrong = client.post(PAGE, {"action": action, "password": WRONG})

    assert _password_error(missing) == "Enter your password to get a new key."
    assert _password_error(wrong) == "That is not your password: nothing was changed."
    assert not KEY_INPUT.search(missing.content.decode() + wrong.content.decode())
    assert list(AuthToken.objects.values_list("digest", flat=True)) == ([old.token.digest] if old else [])


def test_another_users_password_is_not_enough(agent, manager):
    manager.set_password("managers-own-password")
    manager.save()

    response = _signed_in(agent).post(PAGE, {"action": "create", "password": "managers-own-password"})

    assert _password_error(response) == "That is not your password: nothing was changed."
    assert not AuthToken.objects.exists()


def test_wrong_passwords_count_towards_the_sign_in_lock_out(agent, settings):
    client = _signed_in(agent)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(PAGE, {"action": "create", "password": WRONG}).status_code == 400

    locked = client.post(PAGE, {"action": "create", "password": WRONG})
    still_locked = client.post(PAGE, {"action": "create", "password": PASSWORD})

    assert AccessAttempt.objects.get(username=agent.username).failures_since_start == settings.AXES_FAILURE_LIMIT
    for response in (locked, still_locked):
        assert response.status_code == 429
        assert "locked_out.html" in [template.name for template in response.templates]
    assert not AuthToken.objects.exists()
