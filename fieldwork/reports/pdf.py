"""The service report as a PDF, drawn with reportlab from its content (fieldwork/reports/content.py).

Nothing to install beyond the Python package. Latin text (names typed in Latin letters, numbers,
serials, amounts) is set in Helvetica, one of the standard 14 fonts; every run of characters
Helvetica cannot draw (Chinese, full-width punctuation) is set in ``STSong-Light``, one of the
Adobe Asian fonts, which reportlab names without embedding (``UnicodeCIDFont``): the reader shows
it with its own Chinese font, which every phone and computer sold in China has
(docs/service-report.md#fonts). A Chinese report differs only in its words and in wrapping lines
between any two characters.
"""

import io
import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from fieldwork.reports.content import ReportContent, Section

CJK_FONT = "STSong-Light"
LATIN_FONT, LATIN_BOLD = "Helvetica", "Helvetica-Bold"
# The signature is drawn no larger than this, keeping its proportions.
SIGNATURE_BOX = (60 * mm, 24 * mm)
LABEL_WIDTH = 48 * mm
GRID = colors.HexColor("#c8ced6")
SHADE = colors.HexColor("#eef1f4")
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")

pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

# Helvetica is set in WinAnsi (cp1252): characters outside it are set in the Chinese font.
# Control and invisible format characters typed or pasted into a field are left out.
CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}


def _winansi(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def markup(text: str) -> str:
    """``text`` as Paragraph markup: escaped, line breaks kept, and every run of characters the
    Latin font cannot draw set in the Chinese font."""
    out: list[str] = []
    run: list[str] = []
    text = text.replace("\r\n", "\n").replace("\t", " ")
    for ch in text:
        if ch != "\n" and unicodedata.category(ch) in CONTROL:
            continue
        if ch == "\n" or _winansi(ch):
            if run:
                out.append(f'<font name="{CJK_FONT}">{escape("".join(run))}</font>')
                run = []
            out.append("<br/>" if ch == "\n" else escape(ch))
        else:
            run.append(ch)
    if run:
        out.append(f'<font name="{CJK_FONT}">{escape("".join(run))}</font>')
    return "".join(out)


class _Styles:
    def __init__(self, language: str) -> None:
        chinese = language.startswith("zh")
        self.font, bold = LATIN_FONT, LATIN_BOLD
        # Chinese wraps between any two characters; Latin text between words.
        wrap = {"wordWrap": "CJK"} if chinese else {}
        self.title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, textColor=INK, **wrap)
        self.subtitle = ParagraphStyle("subtitle", fontName=self.font, fontSize=10, leading=14, textColor=MUTED, **wrap)
        self.heading = ParagraphStyle(
            "heading", fontName=bold, fontSize=11, leading=14, spaceBefore=6, spaceAfter=2, textColor=INK, **wrap
        )
        self.label = ParagraphStyle("label", fontName=bold, fontSize=8.5, leading=11, textColor=MUTED, **wrap)
        self.body = ParagraphStyle("body", fontName=self.font, fontSize=9.5, leading=12.5, textColor=INK, **wrap)
        self.small = ParagraphStyle("small", fontName=self.font, fontSize=8, leading=11, textColor=MUTED, **wrap)
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        style = style or self.body
        return Paragraph(markup(text), style)


def _rows_table(styles: _Styles, rows, width: float) -> Table:
    data = [[styles.p(label, styles.label), styles.p(value)] for label, value in rows]
    table = Table(data, colWidths=[LABEL_WIDTH, width - LABEL_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _grid_table(styles: _Styles, rows, width: float) -> Table:
    header, *body = rows
    widths = _column_widths(len(header), width)
    data = [[styles.p(cell, styles.label) for cell in header]] + [[styles.p(cell) for cell in row] for row in body]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("GRID", (0, 0), (-1, -1), 0.25, GRID),
            ]
        )
    )
    return table


def _column_widths(count: int, width: float) -> list[float]:
    # The parts table: number, name (widest), quantity, batch, under warranty; the restarted
    # periods: what they cover (widest), from, until.
    shares = {5: (0.2, 0.36, 0.12, 0.16, 0.16), 3: (0.5, 0.25, 0.25)}.get(count) or (1 / count,) * count
    return [width * share for share in shares]


def _section(styles: _Styles, section: Section, width: float) -> list:
    flow: list = [styles.p(section.heading, styles.heading)]
    if section.rows:
        flow.append(_rows_table(styles, section.rows, width))
    if section.table:
        flow.append(_grid_table(styles, section.table, width))
    if section.note:
        flow.append(styles.p(section.note))
    return [KeepTogether(flow)]


def _signature(styles: _Styles, content: ReportContent, width: float) -> list:
    flow: list = [styles.p(content.signature_heading, styles.heading)]
    if content.signature_png:
        reader = ImageReader(io.BytesIO(content.signature_png))
        w, h = reader.getSize()
        scale = min(SIGNATURE_BOX[0] / w, SIGNATURE_BOX[1] / h)
        image = Image(io.BytesIO(content.signature_png), width=w * scale, height=h * scale, hAlign="LEFT")
        flow.append(image)
    else:
        flow.append(Spacer(1, SIGNATURE_BOX[1]))
    flow.append(_rows_table(styles, content.signature_rows, width))
    return [KeepTogether(flow)]


def render_report(content: ReportContent) -> bytes:
    """The PDF of ``content``, A4 portrait."""
    styles = _Styles(content.language)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=14 * mm,
        bottomMargin=18 * mm,
        title=f"{content.title} {content.reference}",
        author=content.organisation,
        subject=content.subtitle,
        creator=content.organisation,
        lang=content.language,
    )
    width = doc.width
    story: list = [
        styles.p(content.organisation, styles.subtitle),
        styles.p(content.title, styles.title),
        styles.p(content.subtitle, styles.subtitle),
        Spacer(1, 2 * mm),
    ]
    for section in content.sections:
        story.extend(_section(styles, section, width))
    story.extend(_signature(styles, content, width))
    story.extend([Spacer(1, 4 * mm), styles.p(content.footer, styles.small)])

    def number_page(canvas: Canvas, document) -> None:
        label = content.page_label % {"reference": content.reference, "page": document.page}
        paragraph = styles.p(label, styles.right)
        _w, h = paragraph.wrap(width, 10 * mm)
        paragraph.drawOn(canvas, doc.leftMargin, 10 * mm - h / 2)

    doc.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buffer.getvalue()
