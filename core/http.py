"""Outgoing HTTP clients share one TLS context: building one reads the whole CA bundle (about
25 ms of CPU), which a client made per customer message paid on every turn."""

import ssl
from functools import cache

import certifi


@cache
def tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())
