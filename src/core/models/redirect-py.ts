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
