# Sinks that need their context, and framework sources from the model tables (issues 14, 15).
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.db import connection
from fastapi import FastAPI, Depends


def search(request):
    html = render_to_string("search.html", {"q": request.GET.get("q")})
    return HttpResponse(html)  # SAFE: xss


def api_search(request):
    return JsonResponse({"q": "<b>" + request.GET.get("q", "")})  # SAFE: xss


def echo(request):
    text = "<p>" + request.GET.get("q", "") + "</p>"
    return HttpResponse(text)  # VULN: xss


def by_ids(request):
    ids = request.GET.getlist("id")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM items WHERE id IN (%s)" % ",".join(["%s"] * len(ids)), ids)  # SAFE: injection
        return JsonResponse({"rows": cursor.fetchall()})


app = FastAPI()


def default_name():
    return "index.txt"


@app.get("/files/{name}")
def read_file(name: str):
    return open("/srv/files/" + name).read()  # VULN: path


@app.get("/default")
def read_default(name: str = Depends(default_name)):
    return open("/srv/files/" + name).read()  # SAFE: path
