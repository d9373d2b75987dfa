import React, { useEffect, useState } from 'react';
import DOMPurify from 'dompurify';

export function Bio({ html }: { html: string }) {
  return <div dangerouslySetInnerHTML={{ __html: html }} />; // VULN: xss
}

export function SafeBio({ html }: { html: string }) {
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />; // SAFE: xss
}

export function Greeting() {
  const [name] = useState(new URLSearchParams(location.search).get('name') ?? '');
  useEffect(() => {
    const el = document.getElementById('hello');
    if (el) el.innerHTML = 'Hello ' + name; // VULN: xss
    if (el) el.textContent = 'Hello ' + name; // SAFE: xss
  }, [name]);
  return <span id="hello" />;
}
