"""Finews Reader: an offline desktop reader for finews-style Jekyll archives."""

__version__ = "0.1.0"
APP_NAME = "finews-reader"
APP_TITLE = "Finews Reader"
