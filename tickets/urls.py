from django.contrib.auth import views as auth_views
from django.urls import path

from aftersales.lockout import limit_sign_in_failures_per_address
from aftersales.staff import password_views, token_views
from tickets import contact_views, customer_views, intake_views, queue_views, views

app_name = "desk"
urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path(
        "login/",
        limit_sign_in_failures_per_address(auth_views.LoginView.as_view(template_name="desk/login.html")),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", password_views.StaffPasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", password_views.StaffPasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        password_views.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        password_views.StaffPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tickets/new/", intake_views.ticket_new, name="ticket_new"),
    path("tickets/new/caller/", intake_views.caller_lookup, name="caller_lookup"),
    path("tickets/new/duplicates/", intake_views.duplicate_check, name="duplicate_check"),
    path("tickets/<str:reference>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:reference>/move/", views.ticket_move, name="ticket_move"),
    path("tickets/<str:reference>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<str:reference>/note/", views.ticket_note, name="ticket_note"),
    path("tickets/<str:reference>/resolution/", views.ticket_resolution, name="ticket_resolution"),
    path("tickets/<str:reference>/offer/", views.ticket_offer, name="ticket_offer"),
    path("tickets/<str:reference>/accept/", views.ticket_accept, name="ticket_accept"),
    path("tickets/<str:reference>/return/", views.ticket_return, name="ticket_return"),
    path("tickets/<str:reference>/contact/", contact_views.ticket_contact_apply, name="ticket_contact_apply"),
    path("customers/<int:pk>/", customer_views.customer_detail, name="customer"),
    path("customers/<int:pk>/messages/", customer_views.customer_preferences, name="customer_preferences"),
    path("account/api-token/", token_views.api_token, name="api_token"),
]
