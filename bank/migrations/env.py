"""Alembic's entry point for the account service's database (core/migrations.py does the work)."""

from core.migrations import run_environment

run_environment()
