"""The README's path works as written: every `curl` example in it (and in the documents it
links to), read from the documents themselves and run in the order they appear, succeeds
against a real development server on a fresh database, as a newcomer after `./scripts/run`
would run them: browse, sign up, read the verification email in the development mailbox and
verify, sign in, give consent, log a session, plan, check in, fetch the report.

Placeholders are filled the way the reader would: `<access_token>` and `<token>` from what
an earlier example answered, `TOKEN='<access_token>'` as the shell would, an ETag from the
previous response (`<etag>`)."""

import re
import shlex
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.live_server import ServerProcess
from tests.support import fresh_database

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCUMENTED_BASE = "http://127.0.0.1:8000"
# What a reader types where the README shows a value only they have.
READER_VALUES = {"APNs/FCM token": "fcm-readme-device-token-0001"}

_FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)")
_ASSIGNMENT = re.compile(r"^([A-Z_][A-Z0-9_]*)='([^']*)'$")
_PLACEHOLDER = re.compile(r"<([^<>\n]+)>")
_VARIABLE = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)\}?")


def documents(start: Path = README) -> list[Path]:
    """The README, then each local Markdown document it links to, in the order of the links."""
    out = [start]
    for target in _LINK.findall(start.read_text(encoding="utf-8")):
        path = (start.parent / target).resolve()
        if path.is_file() and path not in out:
            out.append(path)
    return out


def shell_commands(block: str) -> Iterator[str]:
    """The commands of a shell block: lines joined where a quote or a backslash continues
    them, as the shell reads them."""
    current: list[str] = []
    quote: str | None = None
    text = block.replace("\\\n", " ")
    for char in text:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "\n":
            if line := "".join(current).strip():
                yield line
            current = []
            continue
        current.append(char)
    if line := "".join(current).strip():
        yield line


@dataclass
class Step:
    document: str
    command: str


def steps() -> list[Step]:
    """Every curl command aimed at the local server, and the shell variables set beside
    them, in document order."""
    out = []
    for document in documents():
        text = document.read_text(encoding="utf-8")
        for block in _FENCE.findall(text):
            for command in shell_commands(block):
                if _ASSIGNMENT.match(command) or (
                    command.startswith("curl ") and DOCUMENTED_BASE in command
                ):
                    out.append(Step(document.name, command))
    return out


@dataclass
class Curl:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, command: str) -> "Curl":
        words = shlex.split(command, comments=True)
        assert words[0] == "curl", command
        method, url, headers, data = None, None, {}, []
        args = iter(words[1:])
        for word in args:
            if word in ("-s", "-i", "--silent", "--include"):
                continue
            if word in ("-o", "--output"):
                next(args)  # the reader's file; the test keeps the body in memory
            elif word in ("-H", "--header"):
                name, _, value = next(args).partition(":")
                headers[name.strip()] = value.strip()
            elif word in ("-d", "--data"):
                data.append(next(args))
            elif word in ("-X", "--request"):
                method = next(args)
            elif word.startswith("-"):
                raise AssertionError(f"curl option {word} is not understood here: {command}")
            else:
                url = word
        assert url is not None, command
        if data and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/x-www-form-urlencoded"  # as curl -d does
        return cls(method or ("POST" if data else "GET"), url, headers, data)


class Reader:
    """What a reader carries from one example to the next."""

    def __init__(self) -> None:
        self.values: dict[str, str] = dict(READER_VALUES)
        self.variables: dict[str, str] = {}

    def fill(self, command: str) -> str:
        def placeholder(match: re.Match[str]) -> str:
            name = match.group(1)
            assert name in self.values, f"nothing earlier in the README gives <{name}>"
            return self.values[name]

        command = _PLACEHOLDER.sub(placeholder, command)
        return _VARIABLE.sub(lambda m: self.variables[m.group(1)], command)

    def remember(self, response: httpx.Response) -> None:
        if etag := response.headers.get("etag"):
            self.values["etag"] = etag
        if "json" not in response.headers.get("content-type", ""):
            return
        found: dict[str, str] = {}
        _collect(response.json(), found)
        self.values.update(found)


def _collect(value: Any, found: dict[str, str]) -> None:
    """The first string under each key (the newest message, the first item)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                found.setdefault(key, item)
            _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


def _send(client: httpx.Client, base: str, curl: Curl) -> httpx.Response:
    url = base + curl.url.removeprefix(DOCUMENTED_BASE)
    body = "&".join(curl.data) if curl.data else None
    return client.request(curl.method, url, headers=curl.headers, content=body)


def _mailbox_filled(client: httpx.Client, base: str, curl: Curl) -> httpx.Response:
    """The mailbox once the message is in it: emails go out just after the response that
    queued them."""
    for _ in range(200):
        response = _send(client, base, curl)
        if response.status_code != 200 or response.json()["count"]:
            return response
        time.sleep(0.05)
    return response


def _shown(response: httpx.Response) -> str:
    return f"{response.status_code} {response.text[:600]}"


def test_the_examples_are_found() -> None:
    found = steps()
    commands = [s.command for s in found]
    assert len(commands) >= 20, commands
    order = [
        "/v1/auth/register",
        "/v1/auth/token",
        "/dev/mailbox",
        "/v1/auth/verify-email",
        "/v1/me/consents",
        "/v1/progress/sessions",
        "/v1/checkins",
    ]
    first = [next(i for i, c in enumerate(commands) if path in c) for path in order]
    assert first == sorted(first), "the README's path is out of order"


@pytest.mark.parametrize(
    ("block", "commands"),
    [
        ("a\nb \\\n  c\n", ["a", "b    c"]),
        ('curl -d \'{"a": 1,\n  "b": 2}\'\nnext\n', ['curl -d \'{"a": 1,\n  "b": 2}\'', "next"]),
    ],
)
def test_commands_are_read_as_the_shell_reads_them(block: str, commands: list[str]) -> None:
    assert list(shell_commands(block)) == commands


def test_the_readme_path_works_in_order() -> None:
    reader = Reader()
    with fresh_database() as url:
        # As ./scripts/run serves: development, no SMTP server, so the mailbox holds the mail.
        server = ServerProcess(url, {"ENVIRONMENT": "development", "SMTP_HOST": ""})
        try:
            server.start()
            with httpx.Client(timeout=30) as client:
                for step in steps():
                    command = reader.fill(step.command)
                    if assignment := _ASSIGNMENT.match(command):
                        reader.variables[assignment.group(1)] = assignment.group(2)
                        continue
                    curl = Curl.parse(command)
                    if urlsplit(curl.url).path == "/dev/mailbox":
                        response = _mailbox_filled(client, server.base, curl)
                    else:
                        response = _send(client, server.base, curl)
                    wanted = 304 if "If-None-Match" in curl.headers else None
                    ok = response.status_code == wanted if wanted else response.is_success
                    assert ok, f"{step.document}: {step.command}\n-> {_shown(response)}"
                    reader.remember(response)
                # Where the path leads: a verified account, consent given, a session logged.
                me = client.get(
                    f"{server.base}/v1/me",
                    headers={"Authorization": f"Bearer {reader.variables['TOKEN']}"},
                ).json()
                assert me["email_verified"] is True and me["health_data_consent"] is True, me
                sessions = client.get(
                    f"{server.base}/v1/progress/sessions",
                    headers={"Authorization": f"Bearer {reader.variables['TOKEN']}"},
                ).json()
                assert sessions["count"] == 1, sessions
        finally:
            server.close()
