import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-q@8x!v3#k2m$z9r&t^w*y(u)i_o+p=a-s1d2f3g4h5"  # VULN: secrets

DEBUG = True  # VULN: config

ALLOWED_HOSTS = ["*"]  # VULN: config

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "blog",
]

MIDDLEWARE = [  # VULN: config
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "config.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "blog",
        "USER": "blog",
        "PASSWORD": os.environ.get("DB_PASSWORD"),  # SAFE: secrets
        "HOST": "db",
    }
}

SESSION_COOKIE_SECURE = False  # VULN: config
CSRF_COOKIE_SECURE = False  # VULN: config
