"""The sandbox's pages (zh-CN). Plain HTML, no scripts: the checkout works with a
form post, from a browser or from a test."""
from html import escape
from urllib.parse import urlsplit

STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f4f6f8;margin:0}
main{max-width:480px;margin:48px auto;background:#fff;border-radius:8px;padding:32px;
box-shadow:0 1px 4px rgba(0,0,0,.1)}
h1{font-size:20px;margin:0 0 4px} .note{color:#888;font-size:13px;margin:0 0 24px}
dl{display:grid;grid-template-columns:6em 1fr;gap:8px 12px} dt{color:#666} dd{margin:0}
.amount{font-size:28px;color:#d4380d;font-weight:bold}
button{font-size:16px;padding:10px 28px;border-radius:4px;border:1px solid #ccc;background:#fff;cursor:pointer}
button.pay{background:#1677ff;border-color:#1677ff;color:#fff;margin-right:12px}
details{margin-top:24px;color:#666;font-size:13px} .ok{color:#389e0d} .bad{color:#cf1322}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{border-bottom:1px solid #eee;padding:4px;text-align:left}
"""


def yuan(fen):
    return f"¥{int(fen) / 100:,.2f}"


def back_link(order):
    """Back to the platform the order came from (the origin of its notify URL): to the
    payer's applications, where the paid one shows its fee — not the portal's home."""
    parts = urlsplit(order["notify_url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f'<p><a href="{escape(f"{parts.scheme}://{parts.netloc}/my/applications")}">返回申报平台</a></p>'


def page(title, body, status=200):
    return status, f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{escape(title)} · 沙箱支付</title><style>{STYLE}</style></head>
<body><main>{body}</main></body></html>"""


def checkout(order, action_url):
    return page("收银台", f"""
<h1>沙箱支付收银台</h1>
<p class="note">本页面为开发测试用的模拟支付，不会产生真实扣款。</p>
<dl>
  <dt>订单号</dt><dd>{escape(order["order_no"])}</dd>
  <dt>商品</dt><dd>{escape(order["subject"])}</dd>
  <dt>应付金额</dt><dd class="amount">{yuan(order["amount_fen"])}</dd>
</dl>
<form method="post" action="{escape(action_url)}">
  <button class="pay" name="action" value="pay">支付</button>
  <button name="action" value="cancel">取消</button>
  <details><summary>测试选项</summary>
    <label><input type="radio" name="simulate" value="" checked> 正常支付</label><br>
    <label><input type="radio" name="simulate" value="lost_callback"> 支付成功但回调丢失</label><br>
    <label><input type="radio" name="simulate" value="wrong_amount"> 实收金额多 1 分</label>
  </details>
</form>""")


def paid(order, txn_id, state):
    told = {
        "acknowledged": '<p class="ok">已通知申报平台，平台已确认收款。</p>',
        "pending": "<p>正在通知申报平台，稍后会自动重试。</p>",
        "refused": '<p class="bad">申报平台拒绝了本次支付通知，请联系平台管理员。</p>',
        "gave_up": '<p class="bad">多次通知申报平台均未成功，请联系平台管理员。</p>',
        None: "<p>（已按测试选项跳过通知申报平台。）</p>",
    }.get(state, "")
    return page("支付成功", f"""
<h1 class="ok">支付成功</h1>
<dl><dt>订单号</dt><dd>{escape(order["order_no"])}</dd>
<dt>交易号</dt><dd>{escape(txn_id)}</dd>
<dt>金额</dt><dd>{yuan(order["amount_fen"])}</dd></dl>{told}
<p>请返回申报平台查看缴费状态。</p>{back_link(order)}""")


def cancelled(order):
    return page("已取消", f"""
<h1>已取消支付</h1>
<p>订单 {escape(order["order_no"])} 未付款。如需缴费，请重新打开支付链接。</p>{back_link(order)}""")


def already_paid(order_no):
    return page("订单已支付", f"""
<h1>订单已支付</h1><p>订单 {escape(order_no)} 已完成支付，请勿重复付款。</p>""", status=409)


def bad_link():
    return page("链接无效", """
<h1 class="bad">支付链接无效</h1><p>链接不完整或已被修改，请回到申报平台重新打开缴费页面。</p>""", status=400)


def bad_action():
    return page("操作无效", "<h1 class=\"bad\">操作无效</h1><p>请选择“支付”或“取消”。</p>", status=400)


def index(rows):
    lines = "".join(
        f"<tr><td>{escape(r['txn_id'])}</td><td>{escape(r['order_no'])}</td><td>{yuan(r['amount_fen'])}</td>"
        f"<td>{escape(r['status'])}</td><td>{escape(r['notified'] or '')}</td></tr>" for r in rows)
    return page("交易记录", f"""
<h1>沙箱支付 · 最近交易</h1>
<table><tr><th>交易号</th><th>订单号</th><th>金额</th><th>状态</th><th>通知</th></tr>{lines}</table>""")
