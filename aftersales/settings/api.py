"""The REST API: Django REST framework, its tokens (django-rest-knox) and its OpenAPI schema."""

from aftersales.env import env_str

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Integrations send "Authorization: Token <key>"; the pages' own calls use the session and
    # therefore CSRF. Token first, so a request without credentials gets 401, not 403. Tokens are
    # stored hashed (django-rest-knox; aftersales/api/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aftersales.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies nested deeper than a sane limit are a 400, not a RecursionError (aftersales/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "aftersales.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "aftersales.api.parsers.ContentNegotiation",
    # Counted in the default cache, which every web process shares (Redis or the file cache).
    # Anonymous callers are told apart by their address, read as everywhere else (TRUSTED_PROXIES).
    "DEFAULT_THROTTLE_CLASSES": [
        "aftersales.api.throttles.AnonRateThrottle",
        "aftersales.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "60/minute"),
        "user": env_str("API_USER_RATE", "600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error shape for every error: {"detail", "code", "errors"} (aftersales/api/errors.py).
    "EXCEPTION_HANDLER": "aftersales.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
# API tokens (django-rest-knox): only a hash of each key is stored; a key never expires, one
# token per user (aftersales/api/token_store.py), sent as "Authorization: Token <key>".
REST_KNOX = {
    "TOKEN_TTL": None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aftersales API",
    "DESCRIPTION": "The after-sales service API. Integrations authenticate with a token (`Authorization: Token <key>`).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Request and response bodies differ (read-only fields, defaults): one component each.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files: the docs work without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "FaultKind": "warranty.three_guarantees.facts.FaultKind",
        "RepairCause": "warranty.three_guarantees.facts.RepairCause",
        "Remedy": "warranty.three_guarantees.facts.Remedy",
        # Several models call their choices "status", "kind" or "…_slot": one stable name each.
        "TicketStatus": "tickets.choices.Status",
        "TicketKind": "tickets.choices.Kind",
        "EventKind": "tickets.choices.EventKind",
        "VisitSlot": "tickets.choices.VisitSlot",
        "UnitStatus": "customers.models.UnitStatus",
        "ClaimStatus": "warranty.models.ClaimStatus",
        "CallbackKind": "followups.choices.CallbackKind",
        "CallbackStatus": "followups.choices.CallbackStatus",
        "OfferOutcome": "followups.choices.OfferOutcome",
        "CallbackResult": "followups.choices.CallbackResult",
        "FeedbackStatus": "followups.models.FeedbackStatus",
        "Department": "tickets.models.Department",
        "WebhookEvent": "notifications.models.WebhookEvent",
        "WebhookDeliveryStatus": "notifications.models.WebhookDeliveryStatus",
        "AlertKind": "quality.models.AlertKind",
        "StatementStatus": "settlements.choices.StatementStatus",
        "LineDecision": "settlements.choices.LineDecision",
        "JobType": "settlements.choices.JobType",
        "FlagCode": "settlements.choices.FlagCode",
        # Named as before contracts added their own "channel" and "source" choices.
        "ChannelEnum": "tickets.choices.Channel",
        "SourceEnum": "parts.models.OrderSource",
        "ContractKind": "contracts.choices.ContractKind",
        "ContractStatus": "contracts.choices.ContractStatus",
        "ContractCoverage": "contracts.choices.Coverage",
        "SaleChannel": "contracts.choices.SaleChannel",
        "EntitlementBasis": "contracts.cover_rules.Basis",
        "EntitlementSource": "warranty.entitlement.EntitlementSource",
        "LeadKind": "sales.choices.LeadKind",
        "LeadStatus": "sales.choices.LeadStatus",
        "LeadTrigger": "sales.choices.Trigger",
        "OffersConsentEnum": "customers.referral_choices.OffersConsent",
        "OffersConsentAnswer": "sales.choices.ConsentAnswer",
        "OffersConsentSource": "sales.choices.ConsentSource",
    },
}
