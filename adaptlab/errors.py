"""Errors a user can cause, kept apart from bugs.

A `UserInputError` carries one sentence that names the bad input and says how to fix it. The CLI
turns it into exit status 2 and the app shows it beside the control; anything else is a bug.
A message quotes what the user gave through `shown()`/`cut()`, so a pasted megabyte or a
400-digit number never becomes a megabyte-long message.
"""



class UserInputError(ValueError):
    """A value given by a user (setting, name, file) that the engine cannot accept."""


class ModelUnavailableError(UserInputError):
    """A model that cannot be loaded here (no weights in the local cache, no network).

    The message names the folder (the command line's user owns it); `for_learners` says the same
    without the server's path, for the app's pages (the log keeps the whole message).
    """

    def __init__(self, message: str, folder: object = None) -> None:
        super().__init__(message)
        self.for_learners = message.replace(f" at {folder}", "") if folder else message


def cut(text: str, limit: int = 40) -> str:
    """`text`, cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = 40) -> str:
    """repr() of a value a user gave, cut to `limit` characters."""
    return cut(repr(value), limit)
