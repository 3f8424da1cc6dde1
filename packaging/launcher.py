"""PyInstaller entry script: the installed ``finews-reader`` command, frozen.

``freeze_support()`` must run first: the importer's worker processes (``forkserver`` on POSIX,
``spawn`` on Windows) start this same executable, and PyInstaller's multiprocessing hook
uses it to turn those starts into workers instead of a second window.
"""

import multiprocessing

multiprocessing.freeze_support()

from reader.cli import main  # noqa: E402

raise SystemExit(main())
