from django.db import connection
from django.db.models import Func
from django.shortcuts import render
from django.utils.html import format_html

from .models import Order


class Round(Func):
    def __init__(self, expr, places):
        super().__init__(expr, template="ROUND(%(expressions)s, " + places + ")")  # VULN: injection


class Upper(Func):
    function = "UPPER"

    def __init__(self, expr):
        super().__init__(expr, template="%(function)s(%(expressions)s)")  # SAFE: injection


def search(request):
    term = request.GET.get("q", "")
    hits = Order.objects.extra(where=["note LIKE '%%" + term + "%%'"])  # VULN: injection
    safe_hits = Order.objects.extra(where=["note LIKE %s"], params=["%" + term + "%"])  # SAFE: injection
    return render(request, "search.html", {"hits": hits, "safe_hits": safe_hits})


def overview(request):
    orders = Order.objects.all()
    token = request.session.get("token")
    return render(request, "overview.html", locals())  # VULN: xss


def badge(label, pattern):
    first = format_html(pattern % label)  # VULN: xss
    second = format_html("<span>{}</span>", label)  # SAFE: xss
    return first + second


def archive(old_table, new_table, columns):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO %s (%s) SELECT %s FROM %s" % (new_table, columns, columns, old_table))  # SAFE: injection
        cursor.execute("DROP TABLE {}".format(old_table))  # SAFE: injection


def purge(table, before):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM %s WHERE created < '%s'" % (table, before))  # VULN: injection
