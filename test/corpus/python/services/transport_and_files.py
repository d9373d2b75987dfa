import asyncio
import ftplib
import os
import smtplib
import ssl
import stat
import tempfile

import paramiko
import requests
import yaml
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from PIL import ImageMath

PARTNER_API = "http://api.partner-payments.com/v2"
HEALTH_URL = "http://localhost:8000/health"


def charge(order):
    return requests.post(PARTNER_API + "/charges", json=order, timeout=10)  # VULN: tls


def health():
    return requests.get(HEALTH_URL, timeout=2)  # SAFE: tls


def fetch_report(report_id):
    return requests.get(f"https://reports.partner-payments.com/{report_id}", timeout=10)  # SAFE: tls


def upload_invoice(path, user, password):
    ftp = ftplib.FTP("files.partner-payments.com")  # VULN: tls
    ftp.login(user, password)
    with open(path, "rb") as fh:
        ftp.storbinary("STOR invoice.pdf", fh)


def upload_invoice_tls(path, user, password):
    ftp = ftplib.FTP_TLS("files.partner-payments.com")  # SAFE: tls
    ftp.login(user, password)
    ftp.prot_p()


def tls_context_legacy():
    return ssl.SSLContext(ssl.PROTOCOL_TLSv1)  # VULN: tls


def tls_context():
    ctx = ssl.create_default_context()
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2  # SAFE: tls
    return ctx


def publish_export(path):
    os.chmod(path, 0o777)  # VULN: config


def protect_key(path):
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)  # SAFE: config


def new_signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)  # VULN: crypto


def new_device_key():
    return ec.generate_private_key(ec.SECP256R1())  # SAFE: crypto


def scratch_file():
    return tempfile.mktemp(suffix=".csv")  # VULN: misc


def scratch_file_ok():
    fd, path = tempfile.mkstemp(suffix=".csv")  # SAFE: misc
    os.close(fd)
    return path


def load_job(stream):
    return yaml.full_load(stream)  # VULN: deserialization


def load_job_ok(stream):
    return yaml.safe_load(stream)  # SAFE: deserialization


def blend(expression, a, b):
    return ImageMath.eval(expression, a=a, b=b)  # VULN: injection


def darken(a):
    return ImageMath.eval("convert(a * 0.5, 'L')", a=a)  # SAFE: injection


def tail_remote_log(host, log_name):
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.connect(host)
    return client.exec_command("tail -n 100 /var/log/" + log_name)  # VULN: misc


async def rebuild_assets():
    proc = await asyncio.create_subprocess_exec("make", "assets")  # SAFE: misc
    return await proc.wait()
