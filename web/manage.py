"""The web app's command line:

    .venv-app/bin/python -m web.manage migrate            # create or upgrade its database
    .venv-app/bin/python -m web.manage add-staff alice --role admin
    .venv-app/bin/python -m web.manage list-staff
    .venv-app/bin/python -m web.manage revision "what changed"   # a developer's new migration

add-staff asks for the password (or reads it from standard input with --password-stdin).
"""

import argparse
import getpass
import sys

from core.config import Settings, get_settings
from core.database import new_engine
from core.migrations import SchemaNotCurrent
from web.admin.staff import ROLES, Staff, StaffError
from web.tables import MIGRATIONS


def migrate(settings: Settings) -> None:
    engine = new_engine(settings.web_database_url)
    try:
        MIGRATIONS.upgrade(engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.manage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the web app's database")
    revision = commands.add_parser("revision", help="write a migration from the tables' changes")
    revision.add_argument("message")
    add = commands.add_parser("add-staff", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true")
    commands.add_parser("list-staff", help="list the staff accounts")
    args = parser.parse_args(argv)

    settings = get_settings()
    if args.command == "migrate":
        migrate(settings)
        print(settings.web_database_url, "at schema revision", MIGRATIONS.head())
        return 0
    engine = new_engine(settings.web_database_url)
    try:
        if args.command == "revision":
            MIGRATIONS.revision(engine, args.message)
            return 0
        MIGRATIONS.require_current(engine)
        return staff_command(args, Staff(engine, settings.admin_session_minutes))
    except SchemaNotCurrent as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def staff_command(args: argparse.Namespace, staff: Staff) -> int:
    if args.command == "list-staff":
        for account in staff.accounts():
            print(f"{account['username']}\t{account['role']}")
        return 0
    password = (sys.stdin.readline().rstrip("\n") if args.password_stdin
                else getpass.getpass(f"Password for {args.username}: "))
    try:
        staff.add(args.username, password, args.role)
    except StaffError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"{args.username} added as {args.role}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
