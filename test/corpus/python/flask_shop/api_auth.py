import os

import jwt
from flask import Flask, jsonify, request

app = Flask(__name__)
JWT_SECRET = os.environ["JWT_SECRET"]


@app.route("/me")
def me():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, options={"verify_signature": False})  # VULN: auth
    return jsonify(claims)


@app.route("/me2")
def me2():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, JWT_SECRET)  # VULN: auth
    return jsonify(claims)


@app.route("/me3")
def me3():
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])  # SAFE: auth
    return jsonify(claims)


def issue(user_id):
    return jwt.encode({"sub": user_id}, JWT_SECRET, algorithm="HS256")  # SAFE: auth


app.config["WTF_CSRF_ENABLED"] = False  # VULN: config
app.config["SESSION_COOKIE_SECURE"] = False  # VULN: auth
app.config["SESSION_COOKIE_HTTPONLY"] = True  # SAFE: auth
