"""Views passing request data to helpers in another module (issue 14, cross-file)."""
from flask import Flask, jsonify, request

from . import models
from .models import find_product, find_product_safely

app = Flask(__name__)
app.config.from_envvar("SHOP_SETTINGS")


@app.route("/search")
def search():
    rows = find_product(request.args.get("q", ""))  # VULN: injection
    return jsonify(rows)


@app.route("/search2")
def search_safely():
    rows = find_product_safely(request.args.get("q", ""))  # SAFE: injection
    return jsonify(rows)


@app.route("/search3")
def search_module():
    rows = models.find_product(request.form["q"])  # VULN: injection
    return jsonify(rows)


@app.route("/featured")
def featured():
    return jsonify(find_product("featured"))  # SAFE: injection
