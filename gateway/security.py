"""Security headers on every response the gateway sends — API JSON, the frontend's
static files, errors (aiohttp's own 404/405/500 included): added in the
``on_response_prepare`` signal, which every response passes through, rather than
in a middleware that an exception raised past it would skip.

The Content-Security-Policy is what the built frontend needs and no more: scripts
only from this origin (Vite emits no inline script; no ``eval``), no plugins, no
framing by anyone (clickjacking), no ``<base>`` tricks. Styles: Vue and Element Plus
set positions and sizes through the CSSOM (``el.style``), which CSP does not govern,
and Vite's production build extracts every stylesheet into ``/assets/*.css``, so
``style-src 'self'`` holds (tests/e2e/test_security_headers.py walks the pages and
fails on any violation). Images also from ``data:`` (inline icons) and ``blob:``
(previews of files being uploaded, PDF downloads)."""
CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def headers_on_every_response(headers=None):
    """An ``on_response_prepare`` handler setting ``headers`` (default: HEADERS)
    where the handler did not set them itself."""
    chosen = dict(HEADERS if headers is None else headers)

    async def add(_request, response):
        for name, value in chosen.items():
            response.headers.setdefault(name, value)
    return add


def setup_security_headers(app, headers=None):
    app.on_response_prepare.append(headers_on_every_response(headers))
