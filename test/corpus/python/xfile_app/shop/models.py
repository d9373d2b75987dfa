"""Queries kept away from the views (issue 14, cross-file)."""
import sqlite3


def connect():
    return sqlite3.connect("shop.db")


def find_product(name):
    cur = connect().cursor()
    cur.execute("SELECT * FROM products WHERE name = '%s'" % name)  # VULN: injection
    return cur.fetchall()


def find_product_safely(name):
    cur = connect().cursor()
    cur.execute("SELECT * FROM products WHERE name = ?", (name,))
    return cur.fetchall()
