import logging
import os
import ssl
import tarfile
import urllib.request
import xml.etree.ElementTree as ET

import requests
from defusedxml import ElementTree as SafeET

STRIPE_KEY = "sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv"  # VULN: secrets
SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY")  # SAFE: secrets
TOKEN_HEADER = "X-Api-Token"  # SAFE: secrets


def fetch_rates():
    return requests.get("https://rates.example.com/latest", verify=False, timeout=10)  # VULN: tls


def fetch_rates_ok():
    return requests.get("https://rates.example.com/latest", timeout=10)  # SAFE: tls


def legacy_fetch(url):
    ctx = ssl._create_unverified_context()  # VULN: tls
    return urllib.request.urlopen(url, context=ctx).read()  # VULN: misc


def parse_feed(body):
    return ET.fromstring(body)  # VULN: injection


def parse_feed_safe(body):
    return SafeET.fromstring(body)  # SAFE: injection


def unpack(upload_path):
    with tarfile.open(upload_path) as tar:
        tar.extractall("/srv/imports")  # VULN: path


def unpack_ok(upload_path):
    with tarfile.open(upload_path) as tar:
        tar.extractall("/srv/imports", filter="data")  # SAFE: path


def connect():
    return psycopg_connect(host="db", user="app", password="S3cure!Passw0rd")  # VULN: secrets


def psycopg_connect(**kwargs):
    return kwargs


log = logging.getLogger(__name__)


def sign_in(username, password, api):
    log.info("sign-in for %s with %s", username, password)  # VULN: secrets
    log.info("sign-in for %s", username)  # SAFE: secrets
    log.debug("password length %d", len(password))  # SAFE: secrets
    return api.login(username, password, timeout=5)
