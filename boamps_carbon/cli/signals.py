"""What the command line raises for a signal."""


class Terminated(BaseException):
    """SIGTERM, raised where the work is, so that staged outputs are removed on the way out
    (a BaseException: no `except Exception` may swallow it)."""
