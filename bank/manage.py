"""The account service's command line:

    python -m bank.manage init        # create or upgrade its database, seed the demo bank (safe
                                      # to run again)
    python -m bank.manage serve       # run it on the configured host and bank_port
    python -m bank.manage revision "what changed"   # a developer's new migration
"""

import argparse

from sqlalchemy.orm import Session

from bank.db import MIGRATIONS, new_engine
from bank.seed import seed
from core.config import Settings, get_settings


def init(settings: Settings) -> bool:
    """True if the demo data was added now, False if the database already had it."""
    engine = new_engine(settings.bank_database_url)
    try:
        MIGRATIONS.upgrade(engine)
        with Session(engine) as session:
            return seed(session)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bank.manage")
    parser.add_argument("command", choices=["init", "serve", "revision"])
    parser.add_argument("message", nargs="?", help="revision: what the migration changes")
    args = parser.parse_args()
    command = args.command
    settings = get_settings()
    if command == "revision":
        if not args.message:
            parser.error("revision needs a message")
        engine = new_engine(settings.bank_database_url)
        try:
            MIGRATIONS.revision(engine, args.message)
        finally:
            engine.dispose()
    elif command == "init":
        seeded = init(settings)
        print(settings.bank_database_url, "demo bank seeded" if seeded else "already set up")
    else:
        import uvicorn

        uvicorn.run("bank.main:create_app", factory=True, host=settings.host,
                    port=settings.bank_port)


if __name__ == "__main__":
    main()
