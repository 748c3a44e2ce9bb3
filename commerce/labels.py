"""Return labels: a real PDF carrying the return's tracking number."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from commerce.models import Return
from replies.render import Say, render


def return_label_render(ret: Return) -> Path:
    order = ret.order
    language = order.customer.language

    def say(key: str, **facts: str) -> str:
        return render(Say(key, **facts), language)

    # fpdf2 names A3 to A5 only; A6 (105 x 148 mm) is the size of a parcel label.
    pdf = FPDF(format=(105, 148))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, say("label.title", number=ret.number), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, say("label.carrier", carrier=ret.carrier.upper()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, say("label.from"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in (order.ship_name, order.ship_line1, order.ship_line2, order.ship_city,
                 order.ship_postcode):
        if line:
            pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, say("label.to"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for line in (say("label.returns_department", shop=settings.SHOP_NAME),
                 "Unit 4, Brackmills Industrial Estate", "Northampton", "NN4 7PB"):
        pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Courier", "B", 12)
    pdf.cell(0, 7, ret.tracking_number, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.cell(0, 4, say("label.order", number=order.number), new_x="LMARGIN", new_y="NEXT")
    path = Path(settings.MEDIA_ROOT) / "labels" / f"{ret.number}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path
