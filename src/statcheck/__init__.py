"""statcheck: check whether reported figures agree with each other."""

from statcheck.errors import ExitCode, StatcheckError

__version__ = "0.1.0"

__all__ = ["ExitCode", "StatcheckError", "__version__"]
