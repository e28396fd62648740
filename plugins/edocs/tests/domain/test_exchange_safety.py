"""A malicious or damaged exchange zip is refused, every problem named, before anything is used."""
import io
import re
import stat
import struct
import warnings
import zipfile

import pytest

from plugins.edocs.domain.exchange import ExchangeError
from plugins.edocs.domain.exchange_read import read_exchange

from .test_exchange import make_exchange, stored

CV_PATH = "05 Site Management/05.02.10 Investigator CV/DE-001/DOC-2-v1-Lebenslauf Muller.pdf"
PLAN_V1 = "01 Trial Management/01.01.01 Trial Master File Plan/trial/DOC-1-v1-DOC-1.txt"


def refusal(data: bytes, **limits) -> list[str]:
    with pytest.raises(ExchangeError) as caught:
        read_exchange(io.BytesIO(data), **limits)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def rezip(data: bytes, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = (),
          add: tuple[tuple[str | zipfile.ZipInfo, bytes], ...] = ()) -> bytes:
    """The same zip (a valid archive, CRCs right) with entries replaced, dropped or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in drop:
                dst.writestr(info, replace.get(info.filename, src.read(info)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate names some tests add
            for name, content in add:
                dst.writestr(name, content)
    return out.getvalue()


def patch_central(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """The zip with one field of ``name``'s central directory header overwritten (what zipfile
    will not write: a lying size, an encryption flag)."""
    patched, encoded = bytearray(data), name.encode()
    at = patched.index(b"PK\x01\x02")  # the first central directory header; the name starts at +46
    while patched[at + 46: at + 46 + len(encoded)] != encoded:
        at = patched.index(b"PK\x01\x02", at + 4)
    struct.pack_into(fmt, patched, at + offset, value)
    return bytes(patched)


def manifest_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("exchange.xml").decode()


# -- the files' bytes ---------------------------------------------------------------------------
def test_a_file_changed_after_export_is_refused_naming_it():
    data, _ = make_exchange()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        cv = bytearray(zf.read(CV_PATH))
    cv[100] ^= 0x01
    assert refusal(rezip(data, replace={CV_PATH: bytes(cv)})) == [
        f"{CV_PATH}: SHA-256 does not match the manifest (file corrupted)"]


def test_a_byte_flipped_inside_the_archive_is_refused_naming_the_file():
    data, _ = make_exchange()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(CV_PATH)
    damaged = bytearray(data)
    damaged[info.header_offset + 30 + len(info.filename.encode()) + info.compress_size // 2] ^= 0xFF
    problems = refusal(bytes(damaged))
    assert len(problems) == 1 and problems[0].startswith(f"{CV_PATH}: the file is corrupted")


def test_a_manifest_size_smaller_than_the_file_stops_the_read():
    data, _ = make_exchange()
    text = manifest_text(data).replace('<METADATA NAME="SIZE">10240</METADATA>', '<METADATA NAME="SIZE">10</METADATA>')
    assert refusal(rezip(data, replace={"exchange.xml": text.encode()})) == [
        f"{CV_PATH}: unpacks to more than its declared 10 bytes"]


def test_an_entry_that_unpacks_to_more_than_its_central_directory_says_is_refused():
    data, _ = make_exchange()
    lied = patch_central(data, CV_PATH, 24, "<I", 100)  # uncompressed size: 100 instead of 10240
    problems = refusal(lied)
    assert len(problems) == 1 and problems[0].startswith(CV_PATH)


def test_open_checks_the_bytes_again():
    data, _ = make_exchange()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(CV_PATH)
    stream = io.BytesIO(data)
    contents = read_exchange(stream)
    cv = next(f for f in contents.manifest.files if f.path == CV_PATH)
    stream.getbuffer()[info.header_offset + 30 + len(CV_PATH.encode()) + 5] ^= 0xFF  # tampered after the check
    with pytest.raises(ExchangeError, match="corrupted"), contents.open(cv) as src:
        src.read()
    contents.close()


# -- entry names --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "../../etc/passwd", "/abs", "a\\..\\b", "C:/Windows/system.ini", "zone/./x.txt", "zone/a\x01b.txt",
])
def test_an_unsafe_entry_name_is_refused(name):
    data, _ = make_exchange()
    problems = refusal(rezip(data, add=((name, b"owned"),)))
    assert problems == [p for p in problems if p.startswith(repr(name)) and "not allowed" in p]
    assert len(problems) == 1


def test_a_symlink_entry_is_refused():
    data, _ = make_exchange()
    link = zipfile.ZipInfo("01 Trial Management/passwd")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert refusal(rezip(data, add=((link, b"/etc/passwd"),))) == [
        "'01 Trial Management/passwd': symbolic links are not allowed"]


def test_a_name_held_twice_is_refused():
    data, _ = make_exchange()
    assert refusal(rezip(data, add=((PLAN_V1, b"a second plan"),))) == [
        f"{PLAN_V1}: the zip holds this name twice"]


def test_every_bad_name_is_named_at_once():
    data, _ = make_exchange()
    assert len(refusal(rezip(data, add=(("../a", b"1"), ("/b", b"2"), ("c\\d", b"3"))))) == 3


# -- sizes and counts, from the central directory ------------------------------------------------
def test_a_zip_bomb_is_refused_before_anything_is_decompressed(monkeypatch):
    data, _ = make_exchange()
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("01 Trial Management/zeros.bin", "w") as bomb:
        for _ in range(20):
            bomb.write(bytes(1024 * 1024))  # 20 MB of zeros, about 20 KB compressed

    def no_decompressing(*args, **kwargs):
        raise AssertionError("an entry was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_decompressing)
    problems = refusal(out.getvalue())
    assert len(problems) == 1
    assert re.fullmatch(r"01 Trial Management/zeros\.bin: compressed \d+ to 1, more than the 200 to 1 "
                        r"allowed \(a zip bomb\?\)", problems[0])


def test_declared_sizes_over_the_limits_are_refused_all_at_once():
    data, _ = make_exchange()
    problems = refusal(data, max_total_bytes=5000, max_file_bytes=8000)
    assert problems[0].startswith("the zip unpacks to ") and problems[0].endswith("more than the 5000 allowed")
    assert problems[1:] == [f"{CV_PATH}: 10240 bytes, more than the 8000 allowed"]


def test_more_files_than_allowed_are_refused():
    data, _ = make_exchange()
    assert refusal(data, max_files=4) == ["the zip holds 5 files, more than the 4 allowed"]
    with read_exchange(io.BytesIO(data), max_files=5) as contents:  # exchange.xml is not counted
        assert len(contents.manifest.files) == 5


# -- the manifest and the entries, one for one --------------------------------------------------
def test_an_entry_not_in_the_manifest_is_refused():
    data, _ = make_exchange()
    assert refusal(rezip(data, add=(("05 Site Management/extra.exe", b"MZ"),))) == [
        "05 Site Management/extra.exe: this entry is not listed in exchange.xml"]


def test_a_listed_file_missing_from_the_zip_is_refused():
    data, _ = make_exchange()
    problems = refusal(rezip(data, drop=(PLAN_V1,)))
    assert problems == [f"exchange.xml, object 1 (DOC-1): its file {PLAN_V1!r} is not in the zip"]


def test_directory_entries_are_allowed():
    data, _ = make_exchange()
    with read_exchange(io.BytesIO(rezip(data, add=(("01 Trial Management/", b""),)))) as contents:
        assert len(contents.manifest.files) == 5


@pytest.mark.parametrize("content", [b"%PDF-1.7 not a zip", b"", b"PK\x03\x04 truncated"])
def test_not_a_zip_is_refused(content):
    assert refusal(content) == ["the upload is not a zip file (or the zip is damaged)"]


def test_a_zip_without_exchange_xml_is_refused():
    data, _ = make_exchange()
    problems = refusal(rezip(data, drop=("exchange.xml",)))
    assert problems[0] == "the zip has no exchange.xml at its root: it is not a TMF exchange file"


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE BATCH [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE BATCH [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE BATCH SYSTEM "http://example.invalid/ems.dtd">',
])
def test_a_manifest_with_a_dtd_or_entities_is_refused(prolog):
    data, _ = make_exchange()
    text = manifest_text(data).replace("<BATCH ", prolog + "<BATCH ", 1).replace("AUR-001", "&lol2;")
    assert refusal(rezip(data, replace={"exchange.xml": text.encode()})) == [
        "exchange.xml: DTDs, entities and external references are not allowed"]


def test_a_malformed_manifest_is_refused():
    data, _ = make_exchange()
    problems = refusal(rezip(data, replace={"exchange.xml": b"<BATCH><OBJECT></BATCH>"}))
    assert len(problems) == 1 and problems[0].startswith("exchange.xml is not well-formed XML: mismatched tag")


def test_every_bad_manifest_value_is_named():
    data, _ = make_exchange([stored("DOC-1", 1, b"plan")])
    text = (manifest_text(data)
            .replace("<ARTIFACTNUMBER>01.01.01<", "<ARTIFACTNUMBER>1.1.1<")
            .replace("<OBJECTLEVEL>Trial<", "<OBJECTLEVEL>Planet<")
            .replace('"VERSION">1<', '"VERSION">0<')
            .replace('"SIZE">4<', '"SIZE">four<')
            .replace('"STATUS">effective<', '"STATUS">shredded<')
            .replace("<ARTIFACTDATE>05-MAR-2024<", "<ARTIFACTDATE>31-FEB-2024<"))
    text = re.sub(r"SHA256-[0-9a-f]{64}", "SHA256-xyz", text)
    where = "exchange.xml, object 1 (DOC-1): "
    assert refusal(rezip(data, replace={"exchange.xml": text.encode()})) == [where + p for p in (
        "OBJECTLEVEL must be Trial, Country or Site, not 'planet'",
        "ARTIFACTNUMBER must look like 01.01.01, not '1.1.1'",
        "METADATA VERSION must be a whole number of at least 1, not '0'",
        "INTEGRITY must be SHA256- and 64 hexadecimal digits, not 'SHA256-xyz'",
        "METADATA SIZE must be a whole number of at least 0, not 'four'",
        "STATUS must be one of draft, qc, rejected, approved, effective, superseded, archived, not 'shredded'",
        "ARTIFACTDATE must be a date such as 05-MAR-2024, not '31-FEB-2024'",
    )]


def test_encrypted_entries_and_unsupported_compression_are_refused():
    data, _ = make_exchange()
    squeezed = zipfile.ZipInfo("01 Trial Management/squeezed.bin")
    squeezed.compress_type = zipfile.ZIP_BZIP2
    data = rezip(data, add=(("01 Trial Management/locked.bin", b"secret"), (squeezed, b"bz2")))
    assert refusal(patch_central(data, "01 Trial Management/locked.bin", 8, "<H", 0x1)) == [
        "01 Trial Management/locked.bin: encrypted entries are not allowed",
        "01 Trial Management/squeezed.bin: compression method 12 is not supported (use deflate or none)"]


def test_a_site_level_object_without_a_site_and_digits_of_another_script_are_refused():
    data, _ = make_exchange([stored("DOC-1", 1, b"cv", level="site", site="DE-001")])
    text = (manifest_text(data).replace("<SITEID>DE-001</SITEID>", "")
            .replace("<ARTIFACTNUMBER>01.01.01<", "<ARTIFACTNUMBER>\u0660\u0661.01.01<"))
    assert refusal(rezip(data, replace={"exchange.xml": text.encode()})) == [
        "exchange.xml, object 1 (DOC-1): a Site level object needs a SITEID",
        "exchange.xml, object 1 (DOC-1): ARTIFACTNUMBER must look like 01.01.01, not '\u0660\u0661.01.01'"]
