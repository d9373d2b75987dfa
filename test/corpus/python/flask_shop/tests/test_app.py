from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "test-secret"  # SAFE: secrets
app.config["WTF_CSRF_ENABLED"] = False  # SAFE: config


def test_debug():
    app.run(debug=True)  # SAFE: config
