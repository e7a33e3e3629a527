"""Masking secrets (passwords in URLs) in any text the workbench shows or raises."""

from __future__ import annotations

import os
import re

MASK = "***"
# ``scheme://user:password@`` even when the rest of the URL is malformed (a driver's own
# message often repeats the URL it could not parse, password included).
_USERINFO_RE = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s\"']*):[^@\s\"']*@")
# ``password=secret`` in libpq-style key/value connection strings.
_KEYVALUE_RE = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
# Environment variables whose URLs may carry a password that a message could repeat verbatim.
SECRET_URL_VARS = ("DATABASE_URL", "WORKBENCH_ENDPOINT", "WORKBENCH_COGNITO_ENDPOINT")


def url_password(url: str) -> str | None:
    """The password in ``url`` (``scheme://user:password@...``), or None.

    Works on malformed URLs too, where :func:`urllib.parse.urlparse` would raise.
    """
    match = re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@]*:([^@]*)@", url or "")
    return match.group(1) if match and match.group(1) else None


def mask_secrets(text: str, *urls: str | None) -> str:
    """``text`` with every URL password and ``password=`` value replaced by ``***``.

    :param text: any message, for example an exception's text.
    :param urls: URLs whose passwords must vanish wherever they appear in ``text`` (also
        outside a URL); the variables in :data:`SECRET_URL_VARS` are always included.
    """
    text = _USERINFO_RE.sub(rf"\1:{MASK}@", str(text))
    text = _KEYVALUE_RE.sub(rf"\1{MASK}", text)
    for url in (*urls, *(os.environ.get(name) for name in SECRET_URL_VARS)):
        password = url_password(url or "")
        # Very short passwords would mask innocent letters; the URL form above covers them.
        if password and len(password) >= 4:
            text = text.replace(password, MASK)
    return text
