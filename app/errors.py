"""User-facing errors.

Every failure a user can cause (bad input, a missing file, a damaged package)
is raised as a ``PortfolioError`` whose message is one plain sentence saying
what went wrong and how to fix it. The CLI prints it on one line and exits 1;
the GUI shows it in a message box. Anything else is a bug.
"""


class PortfolioError(Exception):
    """A problem the user can understand and fix; the message says how."""


class NotFoundError(PortfolioError):
    """An evidence reference, framework or code that does not exist."""


class InvalidInputError(PortfolioError):
    """A value the user supplied that cannot be accepted as it is."""


class NotAPortfolioError(PortfolioError):
    """A file that is not an Apprentice Portfolio database."""
