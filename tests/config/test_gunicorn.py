"""gunicorn takes every module-level name of govhall/config/gunicorn.py that is one of its settings: the module
must hold only valid values under such names (an imported `config` function once made gunicorn refuse to start,
and with it `govhall demo` and the bench)."""

import importlib

from gunicorn.config import Config


def test_gunicorn_accepts_every_setting_of_the_config_module():
    module = importlib.import_module("govhall.config.gunicorn")
    settings = Config()
    taken = [name for name in vars(module) if name in settings.settings]
    for name in taken:
        settings.set(name.lower(), getattr(module, name))  # raises on a value gunicorn refuses
    assert {"bind", "workers", "worker_class", "threads", "preload_app"} <= set(taken)
    assert settings.worker_class_str == "gthread" and settings.preload_app
