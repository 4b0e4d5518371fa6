"""How messages go out: mail, SMS and the SMS vendors, the links in them, one-time codes."""

from aftersales.env import env_bool, env_int, env_str
from aftersales.settings.core import VAR_DIR

# --- Mail -------------------------------------------------------------------------------------
# By default each email is one line on the console (recipient, subject, the start of the text).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "notifications.backends.ConsoleEmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Aftersales <service@localhost>")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- SMS --------------------------------------------------------------------------------------
# The SMS backend, chosen like EMAIL_BACKEND: by default each SMS is one line on the console
# (where the sign-in codes are read in development); "notifications.sms.filebased.SmsBackend"
# appends them to SMS_FILE_PATH as JSON lines; the vendors' backends send them for real.
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.console.SmsBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))

# --- SMS vendors (notifications/sms/aliyun.py, notifications/sms/tencent.py) -------------------
# SMS_BACKEND="notifications.sms.aliyun.SmsBackend" or "notifications.sms.tencent.SmsBackend"
# sends through the vendor. A vendor sends only the templates it approved under the
# organisation's signature: *_SMS_TEMPLATES maps each of the product's SMS templates to the
# vendor's template code, one for both languages or one per language, as JSON, e.g.
# {"code": "SMS_200000001", "request_received": {"zh-hans": "SMS_200000002", "en": "SMS_200000003"}}.
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10)
ALIYUN_SMS_ACCESS_KEY_ID = env_str("ALIYUN_SMS_ACCESS_KEY_ID")
ALIYUN_SMS_ACCESS_KEY_SECRET = env_str("ALIYUN_SMS_ACCESS_KEY_SECRET")
ALIYUN_SMS_SIGN_NAME = env_str("ALIYUN_SMS_SIGN_NAME")
ALIYUN_SMS_TEMPLATES = env_str("ALIYUN_SMS_TEMPLATES", "{}")
ALIYUN_SMS_ENDPOINT = env_str("ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com")
ALIYUN_SMS_PROTOCOL = env_str("ALIYUN_SMS_PROTOCOL", "https")
TENCENT_SMS_SECRET_ID = env_str("TENCENT_SMS_SECRET_ID")
TENCENT_SMS_SECRET_KEY = env_str("TENCENT_SMS_SECRET_KEY")
TENCENT_SMS_SDK_APP_ID = env_str("TENCENT_SMS_SDK_APP_ID")
TENCENT_SMS_SIGN_NAME = env_str("TENCENT_SMS_SIGN_NAME")
TENCENT_SMS_REGION = env_str("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_TEMPLATES = env_str("TENCENT_SMS_TEMPLATES", "{}")
TENCENT_SMS_ENDPOINT = env_str("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com")
TENCENT_SMS_PROTOCOL = env_str("TENCENT_SMS_PROTOCOL", "https")

# Where the product is reached from outside (its public base URL): every link in an email or
# SMS is built on it. By default the local server on the port the run command was given.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")

# One-time codes sent by SMS to prove a phone (customers/phone_codes.py): how long a code is
# valid. Short, so a code read over someone's shoulder is soon worthless.
PHONE_CODE_MINUTES = env_int("PHONE_CODE_MINUTES", 10)

# --- Retention (notifications/retention.py) ----------------------------------------------------
# Days a finished outbox message (sent or given up on) and a finished webhook delivery (delivered
# or given up on, its attempts with it) are kept before the nightly job prunes them. 0 keeps them
# forever. Messages still waiting and deliveries still retrying are never pruned; the tickets'
# timelines are never pruned.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 180, minimum=0)
WEBHOOK_RETENTION_DAYS = env_int("WEBHOOK_RETENTION_DAYS", 90, minimum=0)
