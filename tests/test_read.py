"""The readers: shapes recognised from content, blocks with offsets, and bad input refused with a reason."""
from __future__ import annotations

import pytest

from coopkg.read import SUMMARY, WEBPAGE, DocumentError, read_document

SUMMARY_ES = """# Programa de Agua Segura en Guatemala (2020-2023)

**Fecha**: 2020-02-01

**Ubicación**: Guatemala

## Resumen ejecutivo

El programa mejora el acceso al agua potable en Alta Verapaz. Es financiado por la Unión Europea.

## Características

- **Duración del proyecto**: del 1 de febrero de 2020 al 31 de enero de 2023.
- **Grupos destinatarios**: Comunidades indígenas y municipios.

## Actores

| Categoría | Actor |
| --- | --- |
| Actores políticos | Unión Europea |

## Compromisos

- Construir 40 sistemas de agua.
"""

WEBPAGE_EN = """Parent Category: International Cooperation
Category: Regional programmes


 Clean Energy Facility for the Caribbean


The facility is funded by the European Union.


1.       Solar mini-grids on small islands.



2         Training for utility engineers.


 In a nutshell:

It helps islands move away from diesel.
"""


def test_summary_shape_in_spanish(write_doc):
    doc = read_document(write_doc("agua.md", SUMMARY_ES))
    assert doc.shape == SUMMARY and doc.language == "es"
    title = doc.blocks_of("title")[0]
    assert title.span.text == "Programa de Agua Segura en Guatemala (2020-2023)"
    assert doc.text[title.span.start:title.span.end] == title.span.text
    assert doc.labelled("date").span.text == "2020-02-01"
    assert doc.labelled("location").span.text == "Guatemala"
    assert doc.labelled("duration").span.text.startswith("del 1 de febrero")
    rows = [b for b in doc.blocks if b.kind == "row" and b.section == "actors"]
    assert [c.text for c in rows[0].cells] == ["Actores políticos", "Unión Europea"]
    assert doc.blocks_in("commitments")[0].span.text == "Construir 40 sistemas de agua."


def test_webpage_shape_in_english_with_ragged_numbering(write_doc):
    doc = read_document(write_doc("energy.txt", WEBPAGE_EN))
    assert doc.shape == WEBPAGE and doc.language == "en"
    assert doc.blocks_of("title")[0].span.text == "Clean Energy Facility for the Caribbean"
    items = [b for b in doc.blocks if b.kind == "item"]
    assert [b.label for b in items] == ["1", "2"]
    assert items[1].span.text == "Training for utility engineers."
    assert doc.blocks_in("nutshell")[0].span.text == "It helps islands move away from diesel."


def test_shape_comes_from_content_not_extension(write_doc):
    assert read_document(write_doc("looks-like-text.txt", SUMMARY_ES)).shape == SUMMARY
    assert read_document(write_doc("looks-like-markdown.md", WEBPAGE_EN)).shape == WEBPAGE


@pytest.mark.parametrize("content, reason", [
    ("", "empty"),
    ("   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("Señor".encode("latin-1") + b" programme text", "not valid UTF-8"),
    ("Just some notes without any structure.\nAnother line.", "unknown document shape"),
])
def test_bad_input_is_refused_with_a_reason(write_doc, content, reason):
    path = write_doc("bad.txt", content)
    with pytest.raises(DocumentError) as err:
        read_document(path)
    assert reason in str(err.value) and "bad.txt" in str(err.value)


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(DocumentError, match=r"52\.4 MB; documents over 5 MB are refused"):
        read_document(path)


def test_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match="disappeared"):
        read_document(tmp_path / "gone.md")
