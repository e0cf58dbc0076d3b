"""Sandbox account service: stands in for the bank's core systems (accounts, wealth, loans).

A bank replaces it by pointing the `bank_url` setting at its own service with the same API.
"""
