"""`python -m bot.server run ...`: Rasa's command line, same arguments, with one fix to Rasa.

Rasa 3.6 checks every action server response against its events schema with
`jsonschema.validate`, which first checks that large schema itself against the metaschema and
builds a new validator, on every call: in `make bench`'s profile that was about 40% of the Rasa
server's CPU per customer message. The same check runs here with a validator built once; the
answer for any response, accepted or refused with the same error, is unchanged.
"""

import sys
from functools import cache
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@cache
def _action_response_validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result, as jsonschema.validate would decide it."""
    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions")
    raise error


def main() -> None:
    RemoteAction._validate_action_result = validate_action_result
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    sys.exit(main())
