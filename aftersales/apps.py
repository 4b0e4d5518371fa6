from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    name = "aftersales"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from aftersales.auth_backends import serve_from_memo

        # Sessions signed in by password are served from the memo of staff (aftersales/auth_backends.py).
        user_logged_in.connect(serve_from_memo, dispatch_uid="aftersales.serve_from_memo")
