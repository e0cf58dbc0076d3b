"""`python -m bank.manage init` creates the schema and seeds the demo bank (safe to run again);
`python -m bank.manage serve` runs the account service on the configured host and bank_port."""

import argparse

from bank.db import create_schema, open_session
from bank.seed import seed
from core.config import Settings, get_settings


def init(settings: Settings) -> bool:
    """True if the demo data was added now, False if the database already had it."""
    create_schema(settings.bank_database_url)
    with open_session(settings.bank_database_url) as session:
        return seed(session)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bank.manage")
    parser.add_argument("command", choices=["init", "serve"])
    command = parser.parse_args().command
    settings = get_settings()
    if command == "init":
        seeded = init(settings)
        print(settings.bank_database_url, "demo bank seeded" if seeded else "already set up")
    else:
        import uvicorn

        uvicorn.run("bank.main:create_app", factory=True, host=settings.host,
                    port=settings.bank_port)


if __name__ == "__main__":
    main()
