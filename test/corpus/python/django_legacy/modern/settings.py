import os

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "modern.urls"
ALLOWED_HOSTS = ["modern.example.com"]
SECURE_HSTS_SECONDS = 31536000
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Old MD5 hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # SAFE: config
    "django.contrib.auth.hashers.MD5PasswordHasher",
]

SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"  # SAFE: config
