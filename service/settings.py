"""Access to the running application's settings."""

from flask import current_app

from config import Settings


def current_settings() -> Settings:
    settings: Settings = current_app.extensions["selfpath.settings"]
    return settings
