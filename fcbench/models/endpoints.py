"""Where HTTP requests go: endpoint URLs as they may be shown, their credentials, and load spreading."""

from __future__ import annotations

import base64
from urllib.parse import unquote, urlsplit, urlunsplit

from fcbench.credentials import register


def public_url(url: str | None) -> str | None:
    """A URL without user info or query string, fit for settings and messages."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def split_user_info(url: str, api_key: str) -> tuple[str, dict[str, str]]:
    """(the URL without user info, the request headers for it): basic auth when the URL
    carries ``user:password@`` (a proxy's), else the bearer key. Both secrets are registered."""
    parts = urlsplit(url)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    if parts.username is None and parts.password is None:
        return url, headers
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    register(password)
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    register(token)
    headers["Authorization"] = f"Basic {token}"
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), headers


class EndpointPool:
    """Picks the endpoint with the fewest requests in flight; ties go round robin."""

    def __init__(self, urls: list[str]):
        if not urls:
            raise ValueError("no endpoints")
        self.urls = list(urls)
        self.outstanding = [0] * len(urls)
        self.sent = [0] * len(urls)
        self._next = 0

    def acquire(self) -> int:
        n = len(self.urls)
        best = self._next
        for step in range(1, n):
            i = (self._next + step) % n
            if self.outstanding[i] < self.outstanding[best]:
                best = i
        self._next = (best + 1) % n
        self.outstanding[best] += 1
        self.sent[best] += 1
        return best

    def release(self, index: int) -> None:
        self.outstanding[index] -= 1
