from flask import Blueprint, jsonify, request

bp = Blueprint("fp", __name__)


@bp.route("/fingerprint", methods=["POST"])
def fingerprint():
    data = request.get_json()
    return jsonify({"bot": check_fingerprint(data), "suspicious": score_visitor(data)})


def check_fingerprint(data):  # VULN: fingerprinting
    # TODO: compare with known bad fingerprints
    return False


def score_visitor(signals):
    score = 0
    if signals.get("webdriver"):
        score += 50
    if "Headless" in signals.get("userAgent", ""):
        score += 40
    return score >= 50  # SAFE: fingerprinting
