"""Taint through local helpers, methods, closures and guards (issue 14)."""
import os

import requests
from django.utils.http import url_has_allowed_host_and_scheme
from flask import Flask, redirect, request, send_file
from flask.views import MethodView

app = Flask(__name__)
UPLOADS = "/srv/uploads"


def _send_upload(name):
    return send_file(os.path.join(UPLOADS, name))  # VULN: path


def _send_static(name):
    return send_file(os.path.join(UPLOADS, name))  # SAFE: path


def _fetch(url):
    return requests.get(url, timeout=5).text  # VULN: ssrf


def _next_url():
    return request.args.get("next")


def _landing(url):
    app.logger.info("asked for %s", url)
    return "/home"


@app.route("/download")
def download():
    return _send_upload(request.args["f"])


@app.route("/logo")
def logo():
    return _send_static("logo.png")


@app.route("/preview")
def preview():
    return _fetch(request.args["u"])


@app.route("/after")
def after():
    return redirect(_next_url())  # VULN: redirect


@app.route("/landing")
def landing():
    return redirect(_landing(request.args["next"]))  # SAFE: redirect


@app.route("/closure")
def closure():
    target = request.args["to"]

    def go():
        return redirect(target)  # VULN: redirect

    return go()


class Files(MethodView):
    def get(self):
        return self._serve(request.args["path"])

    def post(self):
        return self._serve_default("report.pdf")

    def _serve(self, path):
        return send_file(path)  # VULN: path

    def _serve_default(self, path):
        return send_file(os.path.join(UPLOADS, path))  # SAFE: path


@app.route("/checked")
def checked():
    target = request.args.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):
        target = "/"
    return redirect(target)  # SAFE: redirect


@app.route("/inside")
def inside():
    target = request.args.get("next", "/")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):
        return redirect(target)  # SAFE: redirect
    app.logger.warning("unsafe next: %s", target)
    return redirect(target)  # VULN: redirect
