"""Reading signer lists typed in or uploaded as CSV."""

from django.core.exceptions import ValidationError

import pytest

from printing.signers import SignerRow, signers_csv_decode, signers_parse


def test_typed_lines_with_and_without_city():
    text = "Anna Dvořáková, Praha\nJürgen Groß\n\n  Łukasz Wróbel ,  Brno  \n"

    assert signers_parse(text) == [
        SignerRow("Anna Dvořáková", "Praha"),
        SignerRow("Jürgen Groß", ""),
        SignerRow("Łukasz Wróbel", "Brno"),
    ]


def test_csv_with_header_bom_and_quoted_comma():
    data = '\ufeffname,city\r\n"Novák, Jan",Ostrava\r\nOlena Kovalenko,Plzeň\r\n'.encode()

    assert signers_parse(signers_csv_decode(data)) == [
        SignerRow("Novák, Jan", "Ostrava"),
        SignerRow("Olena Kovalenko", "Plzeň"),
    ]


def test_bad_rows_are_each_named_with_their_line_number():
    text = "Anna, Praha\n, Brno\nJan, Brno, Czechia\n" + "x" * 101 + "\nOk Person\n"

    with pytest.raises(ValidationError) as error:
        signers_parse(text)

    messages = error.value.messages
    assert len(messages) == 3
    assert messages[0].startswith("Line 2:") and "name is missing" in messages[0]
    assert messages[1].startswith("Line 3:") and "found 3 values" in messages[1]
    assert messages[2].startswith("Line 4:") and "longer than 100" in messages[2]


def test_not_utf8_is_explained():
    with pytest.raises(ValidationError, match="CSV UTF-8"):
        signers_csv_decode("Dvořák".encode("cp1250"))


def test_too_many_signers():
    with pytest.raises(ValidationError, match="At most 2000 signers"):
        signers_parse("\n".join(f"Person {number}" for number in range(2001)))
