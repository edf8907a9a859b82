"""Delivery channels: in-app (the row is the message), e-mail over SMTP, and SMS through one small
sender interface (a file log by default, so a fresh install works with no provider; an HTTP gateway).

Each channel's send(row) returns on success and raises DeliveryError (or any exception) on failure.
"""
from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Protocol

from flask import current_app

from mediation.models.notifications import Notification


class DeliveryError(RuntimeError):
    """The channel could not deliver; the message says why (shown to administrators)."""


def settings() -> dict:
    return current_app.config["MEDIATION"].get("notifications", {})


def sms_parts(text: str) -> int:
    """How many SMS a text takes: GSM-7 160 (153 per part), otherwise UCS-2 70 (67 per part)."""
    if all(ord(ch) < 128 for ch in text):
        single, part = 160, 153
    else:
        single, part = 70, 67
    return 1 if len(text) <= single else -(-len(text) // part)


class InAppChannel:
    """The row already is the message: the bell and the list read it."""

    def send(self, row: Notification) -> None:
        return None


class SmtpChannel:
    def send(self, row: Notification) -> None:
        conf = settings().get("smtp", {})
        if not conf.get("host"):
            raise DeliveryError("No SMTP host is configured ([notifications.smtp] host).")
        message = EmailMessage()
        message["From"] = conf.get("sender", "noreply@localhost")
        message["To"] = row.address
        message["Subject"] = row.subject
        # Stable per row: a mail server or client that sees it twice can tell it is the same message.
        message["Message-ID"] = make_msgid(idstring=f"notification-{row.key.replace(':', '.')}")
        message.set_content(row.body)
        host, port, tls = conf["host"], int(conf.get("port", 25)), conf.get("tls", "starttls")
        timeout = conf.get("timeout_seconds", 10)
        smtp_class = smtplib.SMTP_SSL if tls == "ssl" else smtplib.SMTP
        kwargs = {"context": ssl.create_default_context()} if tls == "ssl" else {}
        try:
            with smtp_class(host, port, timeout=timeout, **kwargs) as smtp:
                if tls == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                password = os.environ.get("MEDIATION_SMTP_PASSWORD") or conf.get("password")
                if conf.get("username"):
                    smtp.login(conf["username"], password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {host}:{port}: {exc}") from exc


class SmsSender(Protocol):
    def send_sms(self, phone: str, text: str, *, request_id: str, parts: int) -> None:
        """Hand one text to the carrier; raise on failure."""


class FileSmsSender:
    """Appends each SMS as a JSON line to DATA_DIR/sms-outbox.log (the default: no provider needed)."""

    def __init__(self, path: Path):
        self.path = path

    def send_sms(self, phone: str, text: str, *, request_id: str, parts: int) -> None:
        line = json.dumps({"to": phone, "text": text, "id": request_id, "parts": parts}, ensure_ascii=False)
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


class HttpGatewaySmsSender:
    """POSTs to the configured gateway; any answer other than 2xx is a failure to retry."""

    def __init__(self, conf: dict):
        self.conf = conf

    def body(self, phone: str, text: str, request_id: str, parts: int) -> bytes:
        values = {"to": phone, "text": text, "id": request_id, "parts": str(parts)}
        body = self.conf.get("gateway_body") or '{"to": "{to}", "text": "{text}"}'
        for name, value in values.items():
            body = body.replace("{" + name + "}", json.dumps(value, ensure_ascii=False)[1:-1])
        return body.encode("utf-8")

    def send_sms(self, phone: str, text: str, *, request_id: str, parts: int) -> None:
        url = self.conf.get("gateway_url")
        if not url:
            raise DeliveryError("No SMS gateway URL is configured ([notifications.sms] gateway_url).")
        request = urllib.request.Request(url, data=self.body(phone, text, request_id, parts), method="POST")
        request.add_header("Content-Type", self.conf.get("gateway_content_type", "application/json"))
        token = os.environ.get("MEDIATION_SMS_GATEWAY_TOKEN") or self.conf.get("gateway_token")
        if token:
            request.add_header(self.conf.get("gateway_token_header", "Authorization"), token)
        try:
            with urllib.request.urlopen(request, timeout=self.conf.get("gateway_timeout_seconds", 10)) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DeliveryError(f"SMS gateway answered {exc.code}: {exc.reason}") from exc
        except OSError as exc:  # URLError is an OSError
            raise DeliveryError(f"SMS gateway {url}: {exc}") from exc


def sms_sender() -> SmsSender:
    conf = settings().get("sms", {})
    kind = conf.get("sender", "file")
    if kind == "http":
        return HttpGatewaySmsSender(conf)
    if kind == "file":
        return FileSmsSender(Path(current_app.config["DATA_DIR"]) / "sms-outbox.log")
    raise DeliveryError(f"Unknown SMS sender {kind!r}: use \"file\" or \"http\".")


class SmsChannel:
    def send(self, row: Notification) -> None:
        sms_sender().send_sms(row.address, row.body, request_id=row.key, parts=row.parts)


def channel_for(name: str):
    return {"app": InAppChannel, "email": SmtpChannel, "sms": SmsChannel}[name]()
