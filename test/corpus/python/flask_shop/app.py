import hashlib
import os
import pickle
import random
import sqlite3
import subprocess

import requests
import yaml
from flask import Flask, jsonify, make_response, redirect, render_template, render_template_string, request, send_file, send_from_directory
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename

app = Flask(__name__)
app.secret_key = "flask-shop-very-secret-1234"  # VULN: secrets
UPLOAD_DIR = "/srv/uploads"


def get_db():
    return sqlite3.connect("shop.db")


@app.route("/products")
def products():
    category = request.args.get("category", "")
    db = get_db()
    rows = db.execute("SELECT * FROM products WHERE category = '" + category + "'").fetchall()  # VULN: injection
    safe_rows = db.execute("SELECT * FROM products WHERE category = ?", (category,)).fetchall()  # SAFE: injection
    return jsonify(rows + safe_rows)


@app.route("/search")
def search():
    term = request.args.get("q", "")
    sort = request.args.get("sort", "name")
    query = "SELECT name FROM products WHERE name LIKE '%%%s%%' ORDER BY %s" % (term, sort)
    cur = get_db().cursor()
    cur.execute(query)  # VULN: injection
    return render_template("search.html", results=cur.fetchall(), term=term)  # SAFE: xss


@app.route("/greet")
def greet():
    name = request.args.get("name", "guest")
    return render_template_string("<h1>Welcome " + name + "</h1>")  # VULN: xss


@app.route("/greet2")
def greet2():
    name = request.args.get("name", "guest")
    return render_template_string("<h1>Welcome {{ name }}</h1>", name=name)  # SAFE: xss


@app.route("/banner")
def banner():
    msg = request.args.get("msg", "")
    return Markup("<div class='banner'>%s</div>" % msg)  # VULN: xss


@app.route("/banner2")
def banner2():
    msg = request.args.get("msg", "")
    return Markup("<div class='banner'>{}</div>").format(msg)  # SAFE: xss


@app.route("/echo")
def echo():
    return "<p>You said: " + request.args.get("text", "") + "</p>"  # VULN: xss


@app.route("/echo-safe")
def echo_safe():
    return "<p>You said: " + escape(request.args.get("text", "")) + "</p>"  # SAFE: xss


@app.route("/cart/restore", methods=["POST"])
def restore_cart():
    cart = pickle.loads(request.get_data())  # VULN: deserialization
    return jsonify(cart)


@app.route("/config/import", methods=["POST"])
def import_config():
    cfg = yaml.load(request.data, Loader=yaml.Loader)  # VULN: deserialization
    safe = yaml.safe_load(request.data)  # SAFE: deserialization
    return jsonify({"a": cfg, "b": safe})


@app.route("/invoice/<invoice_id>")
def invoice(invoice_id):
    path = os.path.join(UPLOAD_DIR, invoice_id)
    return send_file(path)  # VULN: path


@app.route("/download")
def download():
    name = request.args["file"]
    return send_from_directory(UPLOAD_DIR, secure_filename(name))  # SAFE: path


@app.route("/thumbnail")
def thumbnail():
    image = request.args["img"]
    subprocess.call("convert %s -resize 100x100 /tmp/thumb.png" % image, shell=True)  # VULN: injection
    subprocess.call(["convert", image, "-resize", "100x100", "/tmp/thumb.png"])  # SAFE: injection
    return "ok"


@app.route("/preview")
def preview():
    url = request.args["url"]
    page = requests.get(url, timeout=5)  # VULN: ssrf
    return page.text[:200]


@app.route("/status")
def status():
    r = requests.get("https://status.example.com/api", timeout=5)  # SAFE: ssrf
    return r.text


@app.route("/login", methods=["POST"])
def login():
    password = request.form["password"]
    hashed = hashlib.md5(password.encode()).hexdigest()  # VULN: crypto
    cache_key = hashlib.md5(request.path.encode(), usedforsecurity=False).hexdigest()  # SAFE: crypto
    session_token = "".join(random.choice("abcdef0123456789") for _ in range(32))  # VULN: randomness
    resp = make_response(jsonify({"hashed": hashed, "key": cache_key}))
    resp.set_cookie("session_token", session_token)  # VULN: auth
    resp.set_cookie("theme", "light")  # VULN: auth (low: judged by the attributes, not the name)
    resp.set_cookie("theme", "light", secure=True, httponly=True, samesite="Lax")  # SAFE: auth
    return resp


@app.route("/logout")
def logout():
    target = request.args.get("next", "/")
    return redirect(target)  # VULN: redirect


@app.route("/home")
def home():
    return redirect("/")  # SAFE: redirect


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)  # VULN: config
