"""Taint through joins and options held in constants (issue 14)."""
import jwt
import requests
from flask import Flask, Response, redirect, request

app = Flask(__name__)
app.config.from_envvar("APP_SETTINGS")
ALGORITHMS = ["HS256", "none"]
PINNED = ["HS256"]
NO_CHECK = {"verify_signature": False}


@app.route("/next")
def after_login():
    target = request.args.get("next")
    if not target:
        target = "/"
    return redirect(target)  # VULN: redirect


@app.route("/back")
def back():
    try:
        target = request.args["back"]
    except KeyError:
        target = "/"
    return redirect(target)  # VULN: redirect


@app.route("/home")
def home():
    target = request.args.get("next")
    target = "/home"
    return redirect(target)  # SAFE: redirect


@app.route("/proxy")
def proxy():
    url = request.args["p"]
    if not request.args.get("raw"):
        url = "https://api.example.com/" + url
    return requests.get(url, timeout=5).text  # VULN: ssrf


def read_token(token, key):
    return jwt.decode(token, key, algorithms=ALGORITHMS)  # VULN: auth


def read_pinned(token, key):
    return jwt.decode(token, key, algorithms=PINNED)  # SAFE: auth


def read_unchecked(token, key):
    return jwt.decode(token, key, algorithms=PINNED, options=NO_CHECK)  # VULN: auth


@app.route("/moved", methods=["POST"])
def moved():
    response = Response("moved", status=302)
    response.headers["Location"] = request.form["location"]  # VULN: redirect
    return response


@app.route("/moved-home", methods=["POST"])
def moved_home():
    response = Response("moved", status=302)
    response.headers["Location"] = "/home"  # SAFE: redirect
    return response
