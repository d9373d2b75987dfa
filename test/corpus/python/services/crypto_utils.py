import hashlib
import os
import random
import secrets

from Crypto.Cipher import AES, DES
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

STATIC_IV = b"\x00" * 16


def encrypt_legacy(key, data):
    return DES.new(key, DES.MODE_ECB).encrypt(data)  # VULN: crypto


def encrypt_card(key, data):
    cipher = AES.new(key, AES.MODE_ECB)  # VULN: crypto
    return cipher.encrypt(data)


def encrypt_cbc(key, data):
    encryptor = Cipher(algorithms.AES(key), modes.CBC(STATIC_IV)).encryptor()  # VULN: crypto
    return encryptor.update(data) + encryptor.finalize()


def encrypt_ok(key, data):
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()  # SAFE: crypto
    return iv + encryptor.update(data) + encryptor.finalize()


def file_checksum(path):
    with open(path, "rb") as fh:
        return hashlib.sha1(fh.read()).hexdigest()  # VULN: crypto


def api_signature(body):
    return hashlib.sha256(body).hexdigest()  # SAFE: crypto


def make_reset_token():
    return str(random.randint(10**8, 10**9))  # VULN: randomness


def make_api_key():
    return secrets.token_urlsafe(32)  # SAFE: randomness


def pick_banner():
    return random.choice(["blue", "green", "red"])  # SAFE: randomness


def jitter():
    return random.uniform(0.1, 0.5)  # SAFE: randomness
