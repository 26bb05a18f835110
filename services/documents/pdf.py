"""HTML → PDF with WeasyPrint, kept off the eventlet loop.

WeasyPrint is blocking C work: run inside the service it would freeze every
other worker of the process for the whole render. ``render_off_loop`` hands it
to eventlet's native thread pool; a green semaphore keeps one render at a time
per process (WeasyPrint/Pango are not promised to be thread-safe, and a render
peaks at ~150 MiB).
"""
import eventlet.semaphore
import eventlet.tpool
from weasyprint import HTML

FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", serif'

_one_render = eventlet.semaphore.Semaphore(1)


def render_pdf(html):
    return HTML(string=html).write_pdf()


def render_off_loop(html):
    with _one_render:
        return eventlet.tpool.execute(render_pdf, html)
