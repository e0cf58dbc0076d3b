"""Staff accounts from the command line, e.g. the first admin:

    .venv-app/bin/python -m web.admin.manage add-staff alice --role admin

The password is asked for (or read from standard input with --password-stdin).
"""

import argparse
import getpass
import sys

from core.config import get_settings
from web.admin.staff import ROLES, Staff, StaffError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.admin.manage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-staff", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--password-stdin", action="store_true")
    commands.add_parser("list-staff", help="list the staff accounts")
    args = parser.parse_args(argv)

    settings = get_settings()
    staff = Staff(settings.web_database_url, settings.admin_session_minutes)
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
