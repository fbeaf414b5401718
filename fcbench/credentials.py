"""Credentials never reach disk, a report or an error message.

Two nets, applied at every sink (run.json, samples.jsonl, results.json, error lines):

* values: every API key a backend reads, every password found in a URL's user
  info, and the value of every environment variable whose name says it holds a
  credential (``*_API_KEY``, ``*_TOKEN``, ``*SECRET*``, ``*PASSWORD*``) are
  registered here, and `scrub` replaces them with ``***`` wherever they appear;
* names: in recorded options, a key that looks like a credential (``api_key``,
  ``token``, ``authorization``...) keeps its name but not its value, and a URL
  keeps no user info and no query values (`redact`).

A resumed run gets such options again from the command line (`redacted_options`
says which), since what was never written cannot be read back.
"""

from __future__ import annotations

import os
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: shorter values are not scrubbed as free text (they would match innocent words);
#: in URLs and option values they are redacted by position instead.
MIN_SCRUB_LENGTH = 8
REDACTED = "<redacted>"
SECRET_WORDS = ("key", "token", "secret", "password", "passwd", "authorization", "credential", "auth")
_SECRET_ENV = re.compile(r"(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)", re.IGNORECASE)
_URL = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^/@\s?#]*)@")
_PLACEHOLDERS = {"EMPTY", "none", "None", "null", "dummy", "sk-dummy"}

_secrets: set[str] = set()


def register(value: Any) -> None:
    """Remember a credential so that `scrub` removes it from anything written."""
    if isinstance(value, str) and len(value) >= MIN_SCRUB_LENGTH and value not in _PLACEHOLDERS:
        _secrets.add(value)


def register_environment(environ: dict[str, str] | None = None) -> None:
    """Register the value of every environment variable whose name says it is a credential."""
    for name, value in (os.environ if environ is None else environ).items():
        if _SECRET_ENV.search(name):
            register(value)


def scrub(text: str) -> str:
    """`text` with every registered credential and every URL password replaced by ``***``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    if "@" in text and "://" in text:
        text = _URL.sub(lambda m: m.group(1) + ("***@" if m.group(2) else "@"), text)
    return text


def is_secret_name(name: str) -> bool:
    """Does an option name say it holds a credential? (``api_key_env`` names a variable: no.)"""
    lowered = name.lower()
    if lowered.endswith("_env"):
        return False
    return any(word in lowered for word in SECRET_WORDS)


def redact_url(url: str) -> str:
    """A URL without the password in its user info and without the values of secret-named
    query parameters (``?api_key=...``); registers what it removes."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        register(userinfo.partition(":")[2])
        register(userinfo)
        netloc = f"***@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        redacted = []
        for key, value in pairs:
            if is_secret_name(key):
                register(value)
                value = REDACTED
            redacted.append((key, value))
        query = urlencode(redacted)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact(value: Any, name: str = "") -> Any:
    """Options as they may be recorded: credential-named entries keep their name only,
    URLs lose their passwords, at any depth."""
    if name and is_secret_name(name) and value not in (None, "", [], {}):
        if isinstance(value, str):
            register(value)
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, name) for v in value]
    if isinstance(value, str) and "://" in value:
        return redact_url(value)
    return value


def redacted_options(recorded: Any, path: str = "") -> list[str]:
    """The options of a recorded set that lost a credential (to be given again on resume)."""
    found: list[str] = []
    if isinstance(recorded, dict):
        for key, value in recorded.items():
            found += redacted_options(value, f"{path}.{key}" if path else str(key))
    elif isinstance(recorded, list):
        for value in recorded:
            found += redacted_options(value, path)
    elif isinstance(recorded, str) and (recorded == REDACTED or "://***@" in recorded
                                         or f"={REDACTED.replace('<', '%3C').replace('>', '%3E')}" in recorded):
        found.append(path)
    return sorted(set(found))
