"""QApplication set-up: translations, theme, icon, error reporting, first run, ``main()``."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import traceback
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleFactory

from reader import APP_NAME, APP_TITLE, __version__
from reader.core.library import ENV_VAR, Library, LibraryError, default_library_path
from reader.core.store import DB_NAME
from reader.ui.theme import themed_palette

DESKTOP_ID = "io.github.finewsreader.FinewsReader"
log = logging.getLogger("finews-reader")


def resource_path(*parts: str) -> Path:
    """A file shipped in ``resources/`` (the ``reader.resources`` package)."""
    return Path(str(resources.files("reader.resources").joinpath(*parts)))


class DictTranslator(QTranslator):
    """Translations from a JSON file of ``{"English source": "译文"}`` (context-free)."""

    def __init__(self, table: dict[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # type: ignore[override]
                  n: int = -1) -> str | None:
        text = self.table.get(source)
        if not text:
            # None reaches Qt as a null QString, which means "not translated here": Qt asks the
            # next translator (its own, for its dialogs) and falls back to the source text. An
            # empty string would be taken as the translation and blank Qt's buttons and labels.
            return None
        if n >= 0:
            text = text.replace("%n", str(n))
        return text

    def isEmpty(self) -> bool:  # noqa: N802
        return not self.table


def chosen_language(locale: QLocale | None = None, choice: str = "system") -> str | None:
    """``"zh_CN"`` when the Chinese UI is chosen (or the system language is Chinese), else None."""
    if choice == "en":
        return None
    loc = locale or QLocale.system()
    name = "zh_CN" if choice == "zh_CN" else loc.name()  # zh_CN, zh_TW, en_US...
    return "zh_CN" if name.startswith("zh") else None


def load_translator(locale: QLocale | None = None, choice: str = "system") -> DictTranslator | None:
    """The app's Chinese translation when chosen, or when the system language is Chinese."""
    if chosen_language(locale, choice) is None:
        return None
    path = resource_path("i18n", "zh_CN.json")
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return DictTranslator(table)


def load_qt_translator(language: str = "zh_CN") -> QTranslator | None:
    """Qt's own translation (``qtbase_zh_CN.qm``, shipped in the PySide6-Essentials wheel and
    kept by the packaged build) for what Qt draws itself: file dialogs, Yes/No/OK buttons, the
    text fields' context menu, key names in shortcuts."""
    qt = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(language), "qtbase", "_", folder) and not qt.isEmpty():
        return qt
    return None


def install_translators(app: QCoreApplication, choice: str = "system",
                        locale: QLocale | None = None) -> list[QTranslator]:
    """Install the app's and Qt's translations; returns them (the caller keeps them alive).

    Qt's is installed last so that it is asked first: it knows its strings by context
    (``QFileDialog``, ``QShortcut``...), while the app's table is context-free."""
    language = chosen_language(locale, choice)
    if language is None:
        return []
    if not (locale or QLocale.system()).name().startswith("zh"):
        QLocale.setDefault(QLocale(language))  # Qt's dates and sizes (file dialog) the Chinese way
    installed: list[QTranslator] = []
    for translator in (load_translator(locale, choice), load_qt_translator(language)):
        if translator is not None:
            app.installTranslator(translator)
            installed.append(translator)
    return installed


class ReaderApp(QApplication):
    def __init__(self, argv: list[str]) -> None:
        super().__init__(argv)
        self.setApplicationName(APP_NAME)
        self.setOrganizationName(APP_NAME)
        self.setApplicationDisplayName(APP_TITLE)
        self.setApplicationVersion(__version__)
        QGuiApplication.setDesktopFileName(DESKTOP_ID)
        icon = resource_path("icons", "finews-reader.svg")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        self.setStyle(QStyleFactory.create("Fusion"))
        self._light_palette = QPalette(self.palette())
        self.translators = install_translators(self, str(QSettings().value("ui/language", "system")))

    def apply_theme(self, dark: bool) -> None:
        self.setPalette(themed_palette(dark, self._light_palette))


def user_message(exc: BaseException) -> tuple[str, bool]:
    """(what to tell the reader, whether it is a bug). A library that cannot be written (disk
    full, read-only folder, damaged file) is a situation to explain in one sentence, not a bug."""
    if isinstance(exc, LibraryError):
        return str(exc), False
    return QApplication.translate("app", "Something went wrong. The details have been written to the log."), True


def install_excepthook(log_dir: Path | None) -> None:
    """Bugs go to a log file in the library folder and to a dialog with the traceback."""
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(log_dir / "finews-reader.log", encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
            log.addHandler(handler)
        except OSError:
            pass

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        message, is_bug = user_message(exc)
        log.error("Unhandled error:\n%s", text) if is_bug else log.warning("%s", message)
        if is_bug:
            sys.__excepthook__(exc_type, exc, tb)
        if QApplication.instance() is not None and QGuiApplication.platformName() != "offscreen":
            box = QMessageBox(QMessageBox.Icon.Critical if is_bug else QMessageBox.Icon.Warning, APP_TITLE, message)
            if is_bug:
                box.setDetailedText(text)
            box.exec()

    sys.excepthook = hook


def demo_library_path(user_path: Path) -> Path:
    return user_path.parent / f"{user_path.name}-sample"


def open_demo_library(user_path: Path) -> Library:
    """The bundled sample archive, imported into its own library beside (never inside) the user's."""
    path = demo_library_path(user_path)
    lib = Library.open(path)
    if lib.stats()["articles"] == 0:
        lib.import_paths([str(resource_path("sample", "_posts"))], workers=1)
    return lib


def choose_library(library: str | None, demo: bool, remembered: str | None = None) -> tuple[Library, bool, Path]:
    """(library, is_demo, the user's library path).

    The library is ``--library``, else ``$FINEWS_READER_LIBRARY``, else the one last chosen in
    Settings, else the user data folder.  Until it holds a library, the sample is shown.
    """
    if library:
        user_path = Path(library).expanduser()
    elif os.environ.get(ENV_VAR) or not remembered:
        user_path = default_library_path()
    else:
        user_path = Path(remembered)
    has_library = (user_path / DB_NAME).exists()
    if demo or not has_library:
        return open_demo_library(user_path), True, user_path
    return Library.open(user_path), False, user_path


def recover(folder: Path, error: LibraryError) -> Library | None:
    """The library is damaged: say so, and offer the newest backup.  Never overwrite the file."""
    from reader.core import backups

    db_backup = backups.latest_database_backup(folder)
    user_backup = backups.latest_user_backup(folder)
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, str(error))
    restore = None
    fresh = None
    if db_backup is not None:
        restore = box.addButton(QApplication.translate("app", "Restore the latest backup"),
                                QMessageBox.ButtonRole.AcceptRole)
        box.setInformativeText(QApplication.translate(
            "app", "The damaged file will be kept beside it, renamed.") + f"\n{db_backup.name}")
    elif user_backup is not None:
        fresh = box.addButton(QApplication.translate("app", "Start a new library with my saved data"),
                              QMessageBox.ButtonRole.AcceptRole)
        box.setInformativeText(QApplication.translate(
            "app", "The damaged file will be kept beside it, renamed; import your archive again.")
            + f"\n{user_backup.name}")
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    clicked = box.clickedButton()
    try:
        if restore is not None and clicked is restore and db_backup is not None:
            backups.restore_database_backup(folder, db_backup)
            return Library.open(folder)
        if fresh is not None and clicked is fresh and user_backup is not None:
            backups.set_aside(folder)
            lib = Library.open(folder)
            lib.import_user_data(user_backup)
            return lib
    except (LibraryError, OSError) as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
    return None


def main(library: str | None = None, demo: bool = False, argv: list[str] | None = None,
         smoke_test: bool = False) -> int:
    app = QApplication.instance() or ReaderApp(argv if argv is not None else sys.argv[:1])
    from reader.ui.main_window import MainWindow

    settings = QSettings()
    try:
        remembered = settings.value("library/path")
        lib, is_demo, user_path = choose_library(library, demo, str(remembered) if remembered else None)
    except LibraryError as exc:
        target = Path(library).expanduser() if library else Path(str(remembered or default_library_path()))
        recovered = recover(target, exc) if (target / DB_NAME).exists() else None
        if recovered is None:
            if not (target / DB_NAME).exists():
                QMessageBox.critical(None, APP_TITLE, str(exc))
            return 1
        lib, is_demo, user_path = recovered, False, target
    install_excepthook(lib.folder if not is_demo else user_path if user_path.exists() else None)
    theme = str(settings.value("view/theme", "system"))
    if isinstance(app, ReaderApp):
        hints = QGuiApplication.styleHints()
        system_dark = getattr(hints, "colorScheme", None) and hints.colorScheme() == Qt.ColorScheme.Dark
        app.apply_theme(theme == "dark" or (theme == "system" and bool(system_dark)))
    window = MainWindow(lib, demo=is_demo, user_library_path=user_path, settings=settings)
    # the app opens on What moved when the newest day has articles (view/startPage=list: on the
    # list); the window itself, as tests and embedders make it, opens on the list
    if str(settings.value("view/startPage", "trending")) == "trending" and lib.newest_day() is not None:
        window.show_trending()
    window.show()
    if not is_demo:  # after the first rows are painted, off the GUI thread
        window.listShown.connect(window.start_daily_backup, Qt.ConnectionType.SingleShotConnection)
    if smoke_test:  # packaging check: the window opens, lists the library, and quits
        from PySide6.QtCore import QTimer

        def report() -> None:
            kind = "sample archive" if window.demo else "library"
            print(f"smoke-test: {kind}: {window.model.rowCount()} articles listed "
                  f"from {window.library.folder if window.library else '-'}", flush=True)
            QTimer.singleShot(200, window.close)

        window.listUpdated.connect(report)
        QTimer.singleShot(60000, window.close)
    rc = app.exec()
    if window.library is not None:
        window.library.close()
    return int(rc)


def remove_demo_library(user_path: Path) -> None:
    shutil.rmtree(demo_library_path(user_path), ignore_errors=True)
