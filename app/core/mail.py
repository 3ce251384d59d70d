"""Email: messages rendered from templates (plain text and HTML) and sent over SMTP.

Nothing here touches the database. Messages are written to an outbox in the transaction of
the change they tell about and handed to a `Mailer` after the commit (see
`app.accounts.outbox`), so a failed send never loses or repeats the change.
"""

import asyncio
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from opentelemetry.trace import SpanKind

from app.core.config import Settings, SmtpSecurity
from app.core.dev_mailbox import DEV_MAILBOX_PATH, MAILBOX
from app.core.tracing import tracer
from app.i18n import DEFAULT_LANGUAGE, current_language

log = logging.getLogger("app.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str


class Mailer(Protocol):
    def send(self, message: Message) -> None:
        """Deliver the message or raise."""


@dataclass(frozen=True)
class SmtpMailer:
    """Sends through an SMTP server with aiosmtplib (each call in its own event loop: the
    outbox delivers from worker threads and command-line runs alike)."""

    host: str
    port: int
    sender: str
    security: SmtpSecurity = SmtpSecurity.STARTTLS
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def build(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip("> ") or None)
        email.set_content(message.text)
        email.add_alternative(message.html, subtype="html")
        return email

    def send(self, message: Message) -> None:
        # The server only: the recipient is personal data.
        with tracer.start_as_current_span(
            "smtp send",
            kind=SpanKind.CLIENT,
            attributes={"server.address": self.host, "server.port": self.port},
        ):
            self._send(message)

    def _send(self, message: Message) -> None:
        asyncio.run(
            aiosmtplib.send(
                self.build(message),
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.security == SmtpSecurity.TLS,
                start_tls=self.security == SmtpSecurity.STARTTLS,
                timeout=self.timeout,
            )
        )


class LogMailer:
    """Development without an SMTP server: each message is not sent but logged in full and
    kept in the development mailbox (`GET /dev/mailbox`), so its links can be followed."""

    def send(self, message: Message) -> None:
        log.info(
            "email not sent (no SMTP_HOST; read it at %s): to=%s subject=%s\n%s",
            DEV_MAILBOX_PATH,
            message.to,
            message.subject,
            message.text,
        )
        MAILBOX.add(message.to, message.subject, message.text)


def mailer_from_settings(settings: Settings) -> Mailer | None:
    """The SMTP mailer the settings describe; in development without a host the log; in
    production without a host none, so messages wait in the outbox."""
    if settings.smtp_host:
        return SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout_seconds,
        )
    if settings.is_development:
        return LogMailer()
    return None


class Templates:
    """`<name>.subject.txt`, `<name>.txt` and `<name>.html` in one folder; the HTML is
    autoescaped, and a variable the template names but the caller left out is an error.

    An email is written in the language of the request that sends it (`Accept-Language`, the
    app's language when the person asks for a reset or signs up) when all three of
    `<name>.<language>.subject.txt`, `.txt` and `.html` exist, and in English otherwise."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def localized(self, name: str, language: str) -> str:
        if language != DEFAULT_LANGUAGE and all(
            (self.folder / f"{name}.{language}.{part}").is_file()
            for part in ("subject.txt", "txt", "html")
        ):
            return f"{name}.{language}"
        return name

    def render(
        self, name: str, to: str, context: dict[str, Any], language: str | None = None
    ) -> Message:
        name = self.localized(name, language or current_language())
        subject = self.env.get_template(f"{name}.subject.txt").render(context).strip()
        return Message(
            to=to,
            subject=" ".join(subject.split()),
            text=self.env.get_template(f"{name}.txt").render(context),
            html=self.env.get_template(f"{name}.html").render(context),
        )
