"""Excel exports (openpyxl): sheets of rows built off the event loop, answered as
an .xlsx attachment with its Chinese file name."""
import asyncio
import io
from urllib.parse import quote

from aiohttp import web

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(sheets):
    """``sheets``: [(title, header, rows)] → the .xlsx file's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(["" if value is None else value for value in row])
        for column, name in zip(sheet.columns, header):
            width = max([len(str(name))] + [len(str(c.value or "")) for c in column[1:200]])
            sheet.column_dimensions[column[0].column_letter].width = min(max(8, width * 1.6), 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def xlsx_response(name, sheets):
    body = await asyncio.get_running_loop().run_in_executor(None, workbook_bytes, sheets)
    ascii_name = name.encode("ascii", "ignore").decode() or "export.xlsx"
    return web.Response(body=body, headers={
        "Content-Type": XLSX,
        "Content-Disposition": f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(name)}',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
