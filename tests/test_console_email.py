"""Locally each email is one console line: who it is for, the subject and its first link. No database."""

import io

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection

from aftersales.console_email import OneLineConsoleEmailBackend


def test_one_line_per_email_with_recipient_subject_and_first_link():
    stream = io.StringIO()
    backend = OneLineConsoleEmailBackend(stream=stream)
    first = EmailMultiAlternatives(
        subject="We have received your request\n AS-2026-000042",
        body="Dear Li Na,\n\nTrack it: http://127.0.0.1:8080/track/?reference=AS-2026-000042\n"
        "Rate us: http://127.0.0.1:8080/survey/abc/\n",
        to=["li.na@example.com"],
    )
    first.attach_alternative("<p>long html</p>", "text/html")
    second = EmailMessage(subject="Callback overdue", body="No link here.\nSecond line.", to=["a@x.cn", "b@x.cn"])
    assert backend.send_messages([first, second]) == 2
    assert stream.getvalue().splitlines() == [
        "[email] to li.na@example.com: We have received your request AS-2026-000042 · "
        "http://127.0.0.1:8080/track/?reference=AS-2026-000042",
        "[email] to a@x.cn, b@x.cn: Callback overdue",
    ]
    assert backend.send_messages([]) == 0


def test_it_writes_to_the_console_through_djangos_mail_api(capsys):
    connection = get_connection("aftersales.console_email.OneLineConsoleEmailBackend")
    EmailMessage(subject="Hello", body="http://127.0.0.1:8000/", to=["c@x.cn"], connection=connection).send()
    assert capsys.readouterr().out == "[email] to c@x.cn: Hello · http://127.0.0.1:8000/\n"
