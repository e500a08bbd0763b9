"""Errors a user can cause, kept apart from bugs.

A `UserInputError` carries one sentence that names the bad input and says how to fix it. The CLI
turns it into exit status 2 and the app shows it beside the control; anything else is a bug.
"""


class UserInputError(ValueError):
    """A value given by a user (setting, name, file) that the engine cannot accept."""


class ModelUnavailableError(UserInputError):
    """A model that cannot be loaded here (no weights in the local cache, no network)."""
