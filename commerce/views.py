"""The store's one page for shoppers: a return label's PDF, behind a signed link."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from commerce.labels import return_label_render
from commerce.labels_url import label_number
from commerce.models import Return


def return_label(request: HttpRequest, token: str) -> HttpResponse:
    number = label_number(token)
    ret = Return.objects.filter(number=number).first() if number else None
    if ret is None or not ret.label_file:
        raise Http404("No such label")
    path = Path(settings.MEDIA_ROOT) / ret.label_file
    if not path.exists():
        path = return_label_render(ret)
    return FileResponse(path.open("rb"), content_type="application/pdf",
                        filename=f"{ret.number}.pdf")
