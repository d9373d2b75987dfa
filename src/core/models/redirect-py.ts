import { modelTable } from './types';

const redirect = (callee: string, keyword: string) => ({
  kind: 'sink' as const,
  callee,
  args: [0],
  keywords: [keyword],
  vulnClass: 'open-redirect' as const,
  vulnerable: `import ${callee.split('.').slice(0, -1).join('.')}\ndef go(request):\n    return ${callee}(request.GET["next"])`,
  safe: `import ${callee.split('.').slice(0, -1).join('.')}\ndef go(request):\n    return ${callee}("/home")`,
});

/** Redirect responses of the Python frameworks: the target URL is the first argument. */
export const redirectPyModels = [
  ...modelTable('flask', 'python', [redirect('flask.redirect', 'location'), redirect('werkzeug.utils.redirect', 'location')]),
  ...modelTable('django', 'python', [
    redirect('django.shortcuts.redirect', 'to'),
    redirect('django.http.HttpResponseRedirect', 'redirect_to'),
    redirect('django.http.HttpResponsePermanentRedirect', 'redirect_to'),
    redirect('django.http.response.HttpResponseRedirect', 'redirect_to'),
  ]),
  ...modelTable('starlette', 'python', [redirect('starlette.responses.RedirectResponse', 'url')]),
  ...modelTable('fastapi', 'python', [redirect('fastapi.responses.RedirectResponse', 'url')]),
];

/**
 * URL builders of the frameworks: they return a path of this site with every argument
 * percent-encoded (`reverse("user", args=[name])` is `/users/<quoted name>/`), so request data
 * passed in cannot choose the host, and cannot break out of an HTML attribute either.
 */
const sameSite = (library: string, callee: string, call: string) => modelTable(library, 'python', [{
  kind: 'sanitiser' as const,
  callee,
  vulnClass: 'open-redirect' as const,
  vulnerable: `from django.shortcuts import redirect\ndef go(request, slug):\n    return redirect(request.GET["next"] + slug)`,
  safe: `import ${callee.split('.').slice(0, -1).join('.')}\nfrom django.shortcuts import redirect\ndef go(request, slug):\n    return redirect(${callee}(${call}))`,
}]);

export const sameSiteUrlModels = [
  ...sameSite('django', 'django.urls.reverse', '"item", kwargs={"slug": slug}'),
  ...sameSite('django', 'django.urls.reverse_lazy', '"item", args=[slug]'),
  ...sameSite('django', 'django.core.urlresolvers.reverse', '"item", args=[slug]'),
  ...sameSite('flask', 'flask.url_for', '"item", slug=slug'),
];
