"""The public customer portal at ``/`` (docs/architecture.md#who-uses-it)."""

from django.urls import path

from portal import content_views
from portal import contracts as contract_views
from portal import tracking as track_views
from portal import views as portal_views
from portal.accounts import offers_views
from portal.accounts import views as account_views
from portal.accounts.unit_history import unit_history_page

app_name = "portal"
urlpatterns = [
    path("", portal_views.home, name="home"),
    path("request/", portal_views.submit, name="submit"),
    path("request/warranty/", portal_views.warranty_preview, name="warranty_preview"),
    path("request/done/", portal_views.submitted, name="submitted"),
    path("register/", portal_views.register_product, name="register"),
    path("track/", track_views.track, name="track"),
    path("track/<str:reference>/", track_views.track_detail, name="track_detail"),
    path("track/<str:reference>/code/", track_views.track_code_send, name="track_code_send"),
    path("track/<str:reference>/prove/", track_views.track_code_verify, name="track_code_verify"),
    path("track/<str:reference>/add/", track_views.track_add, name="track_add"),
    path("track/<str:reference>/cancel/", track_views.track_cancel, name="track_cancel"),
    path("track/<str:reference>/rate/", track_views.track_rate, name="track_rate"),
    path("files/<int:pk>/", track_views.attachment, name="attachment"),
    path("help/", content_views.help_page, name="help"),
    path("prices/", content_views.price_list, name="prices"),
    path("account/", account_views.account, name="account"),
    path("account/signup/", account_views.signup, name="signup"),
    path("account/login/", account_views.login, name="login"),
    path("account/reset/", account_views.password_reset, name="password_reset"),
    path("account/logout/", account_views.logout, name="logout"),
    path("account/claim/", account_views.claim_request, name="claim_request"),
    path("account/messages/", account_views.preferences, name="account_preferences"),
    path("account/units/<int:pk>/history/", unit_history_page, name="unit_history"),
    path("account/units/<int:unit_id>/contracts/", contract_views.unit_contracts, name="unit_contracts"),
    path("account/units/<int:unit_id>/contracts/<slug:code>/buy/", contract_views.contract_buy, name="contract_buy"),
    path("account/offers/", offers_views.offers, name="account_offers"),
]
