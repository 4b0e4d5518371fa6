"""The SMS templates the product sends and the parameters each one declares.

Vendors (Alibaba Cloud, Tencent Cloud) send only texts approved in advance, filled with named
(Alibaba) or ordered (Tencent) parameters; so every SMS text is written from its parameters
alone, and ``SMS_PARAMS`` is the one place that declares them, in order. The texts are
``templates/notifications/sms/<template>.txt``, one per template, rendered in the message's
language; each stays within two SMS segments.
"""

SMS_PARAMS: dict[str, tuple[str, ...]] = {
    # A one-time code proving the phone: sign-in, sign-up, password reset.
    "code": ("code", "minutes"),
    # Customer messages about a request (essential).
    "request_received": ("reference", "track_url"),
    "appointment": ("reference", "appointment", "track_url"),
    "status_dispatched": ("reference", "appointment", "track_url"),
    # The signed survey link is long: no room for the reference in two Chinese segments.
    "status_resolved": ("feedback_url",),
    "status_cancelled": ("reference", "track_url"),
    "recall_notice": ("product", "reference", "track_url"),
    # A field visit booked or moved at the desk, with the customer's confirm-or-move link.
    "visit_booked": ("reference", "appointment", "visit_url"),
    # The signed service report's link, once the technician checks out (fieldwork/reports).
    "service_report": ("reference", "report_url"),
    # Reminders and offers (non-essential: customers may opt out, on their account page).
    "reminder_maintenance": ("product", "request_url", "account_url"),
    "reminder_warranty": ("product", "warranty_end", "request_url", "account_url"),
    # The referral code after a good rating (followups/referral_invite.py; non-essential).
    "referral_invite": ("referral_code", "request_url", "account_url"),
    # A service contract ending soon: renewing it and stopping reminders are both on the account.
    "reminder_renewal": ("product", "ends_on", "account_url"),
}
