"""The web frontend's built files at ``/``, with history-mode fallback to index.html."""
from pathlib import Path

from aiohttp import web

from zc_common.text import is_storable

DIST = Path(__file__).parent / "web" / "dist"


def setup_frontend(app):
    async def index(request):
        path = request.match_info.get("path", "")
        if path.startswith("api/") or not is_storable(path):  # a NUL would break the file lookup
            raise web.HTTPNotFound()
        target = (DIST / path).resolve()
        if path and target.is_file() and DIST.resolve() in target.parents:
            return web.FileResponse(target)
        index_file = DIST / "index.html"
        if not index_file.exists():
            return web.Response(text="前端尚未构建：运行 make run 以构建 gateway/web。",
                                content_type="text/plain", status=503)
        return web.FileResponse(index_file, headers={"Cache-Control": "no-cache"})

    app.router.add_get("/{path:.*}", index)
