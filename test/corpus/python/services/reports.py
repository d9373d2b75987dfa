import os
import subprocess

from sqlalchemy import text


def export_report(db, report_name, fmt):
    rows = db.execute(text(f"SELECT * FROM reports WHERE name = '{report_name}'"))  # VULN: injection
    os.system("zip /tmp/export.zip /srv/reports/" + report_name)  # VULN: injection
    return rows


def export_ok(db, report_name):
    rows = db.execute(text("SELECT * FROM reports WHERE name = :name"), {"name": report_name})  # SAFE: injection
    subprocess.run(["zip", "/tmp/export.zip", "/srv/reports/" + report_name], check=True)  # SAFE: injection
    return rows


def evaluate(expression):
    return eval(expression)  # VULN: injection


def evaluate_ok():
    return eval("2 + 2")  # SAFE: injection


# The strings below only mention dangerous calls.
HELP = "Do not use eval(), os.system() or md5 for passwords."  # SAFE: injection
