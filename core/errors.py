"""Error bodies a person can read, shared by the app side's web apps."""

from fastapi.exceptions import RequestValidationError


def validation_reasons(error: RequestValidationError) -> str:
    """'field: what is wrong' for each problem of a malformed request (FastAPI's 422)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'] if part != 'body') or 'body'}: "
        f"{problem['msg']}"
        for problem in error.errors()
    )
