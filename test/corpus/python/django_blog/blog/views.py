from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from .models import Comment, Post


def post_detail(request, slug):
    post = Post.objects.raw("SELECT * FROM blog_post WHERE slug = '%s'" % slug)  # VULN: injection
    same = Post.objects.raw("SELECT * FROM blog_post WHERE slug = %s", [slug])  # SAFE: injection
    return render(request, "post.html", {"post": post, "same": same})


def author_posts(request):
    author = request.GET.get("author")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, title FROM blog_post WHERE author = '{author}'")  # VULN: injection
        rows = cursor.fetchall()
    return JsonResponse({"rows": rows})


def ranked(request):
    order = request.GET.get("order", "id")
    qs = Post.objects.annotate(rank=RawSQL("SELECT COUNT(*) FROM blog_like WHERE post_id = blog_post.id AND kind = '" + order + "'", []))  # VULN: injection
    qs = Post.objects.filter(title__icontains=request.GET.get("q", ""))  # SAFE: injection
    return JsonResponse({"n": qs.count()})


def preview_comment(request):
    text = request.POST.get("text", "")
    html = mark_safe("<blockquote>" + text + "</blockquote>")  # VULN: xss
    ok = format_html("<blockquote>{}</blockquote>", text)  # SAFE: xss
    return HttpResponse(html + ok)


def search(request):
    q = request.GET.get("q", "")
    return HttpResponse("<h2>Results for %s</h2>" % q)  # VULN: xss


@csrf_exempt  # VULN: config
def like(request, pk):
    Comment.objects.filter(pk=pk).update(likes=1)
    return JsonResponse({"ok": True})


def go(request):
    return HttpResponseRedirect(request.GET.get("to"))  # VULN: redirect


def back(request):
    return redirect("blog:index")  # SAFE: redirect
