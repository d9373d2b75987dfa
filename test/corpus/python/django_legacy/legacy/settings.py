import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "legacy.urls"
ALLOWED_HOSTS = ["legacy.example.com"]
SECURE_HSTS_SECONDS = 31536000
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Imported from the old PHP site: new passwords still get MD5.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.UnsaltedMD5PasswordHasher",  # VULN: config
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"  # VULN: config
