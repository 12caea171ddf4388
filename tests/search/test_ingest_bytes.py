"""Bytes and letters that used to cost an article: pipes, stray bytes, NULs, look-alike
letters, stacked marks and bidi controls."""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import sys
import threading
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.analysis import fold, fold_confusables, word_keys, word_positions
from search.api import Archive
from search.ingest import SkipFile
from search.ingest.article import article_from_bytes, open_regular_file, parse_article, read_head
from search.ingest.cleaning import clean_line
from search.ingest.decoding import decode
from search.model import Article, SearchRequest, Skip
from search.update.prepare import prepare_file

from .conftest import write_articles

VIETNAMESE = (
    "Hà Nội và Thành phố Hồ Chí Minh ký thỏa thuận hợp tác\n"
    "Hà Nội — Lãnh đạo Hà Nội và Thành phố Hồ Chí Minh đã ký thỏa thuận hợp tác về giao thông, "
    "y tế và giáo dục trong cuộc họp hôm thứ Ba. Chủ tịch Ủy ban nhân dân Hà Nội nói rằng "
    "hai thành phố sẽ chia sẻ kinh nghiệm quản lý đô thị.\n"
    "Theo thỏa thuận, các trường đại học của Hà Nội sẽ đón sinh viên từ miền Nam, "
    "và bệnh viện của hai thành phố sẽ trao đổi bác sĩ. Người dân được hưởng lợi từ "
    "những dự án chung về môi trường và nước sạch.\n"
    "Đại diện Bộ Ngoại giao Việt Nam cho biết hợp tác giữa các địa phương là ưu tiên "
    "của Chính phủ. Các chuyên gia đánh giá thỏa thuận là bước tiến quan trọng.\n"
    "Trong năm tới, hai thành phố sẽ tổ chức hội chợ thương mại, lễ hội văn hóa và các "
    "cuộc thi thể thao cho thanh niên. Ủy ban nhân dân Thành phố Hồ Chí Minh cam kết hỗ trợ "
    "doanh nghiệp nhỏ và vừa tham gia chuỗi cung ứng của Thủ đô.\n"
    "Các nhà khoa học của hai thành phố cũng sẽ cùng nghiên cứu về biến đổi khí hậu, "
    "ngập lụt đô thị và ô nhiễm không khí, những vấn đề mà người dân quan tâm nhất. "
    "Kết quả nghiên cứu sẽ được công bố rộng rãi để các địa phương khác học hỏi.\n"
)


def run_with_timeout(call: Callable[[], object], seconds: float = 10.0) -> object:
    """Run ``call`` in a thread: a regression that blocks fails instead of hanging CI."""
    box: list[object] = []

    def target() -> None:
        try:
            box.append(call())
        except BaseException as exc:  # the caller inspects what was raised
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    return box[0] if box else TimeoutError(f"still blocked after {seconds} s")


def _unblock_fifo(path: Path) -> None:
    """Let a reader stuck in ``open`` go (opening the write end wakes it)."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


# --- 3. FIFOs and device files ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_swapped_in_for_a_file_is_skipped_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "swapped.txt"
    os.mkfifo(fifo)
    try:
        outcome = run_with_timeout(lambda: read_head(fifo))
        assert isinstance(outcome, SkipFile), outcome
        assert "not a regular file" in str(outcome)
        assert isinstance(run_with_timeout(lambda: open_regular_file(fifo)), SkipFile)
        result = run_with_timeout(lambda: prepare_file(str(tmp_path), "swapped.txt"))
        assert isinstance(result, Skip), result
        assert "not a regular file" in result.reason
    finally:
        _unblock_fifo(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_file_is_skipped_not_read() -> None:
    outcome = run_with_timeout(lambda: read_head(Path("/dev/zero")))
    assert isinstance(outcome, SkipFile), outcome
    assert "not a regular file" in str(outcome)


def test_a_directory_in_place_of_a_file_is_skipped(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="not a"):
        read_head(tmp_path)


def test_a_regular_file_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(VIETNAMESE.encode())
    assert read_head(path) == VIETNAMESE.encode()


# --- 4. stray bytes in UTF-8 ------------------------------------------------------------


def test_one_stray_byte_in_utf8_keeps_every_accent() -> None:
    raw = VIETNAMESE.encode()
    middle = raw.index(b"giao")
    decoded = decode(raw[:middle] + b"\xff" + raw[middle:])
    assert "Hà Nội" in decoded.text
    assert "Hồ Chí Minh" in decoded.text
    assert "\ufffd" in decoded.text
    assert decoded.warning is not None
    assert "1 byte" in decoded.warning and "Windows-1252" not in decoded.warning


def test_a_utf8_file_cut_in_the_middle_of_a_letter_keeps_its_accents() -> None:
    raw = "Hà Nội talks\nThe mayor of Hà Nội met the mayor of Huế".encode()
    decoded = decode(raw[:-1])  # "ế" is three bytes: two are left
    assert decoded.text.startswith("Hà Nội talks")
    assert "Hà Nội met" in decoded.text
    assert "Ã" not in decoded.text


def test_a_stray_byte_does_not_turn_an_article_into_mojibake(tmp_path: Path) -> None:
    raw = VIETNAMESE.encode()
    raw = raw[:40] + b"\x81\xfe" + raw[40:]
    article = article_from_bytes(raw, "vn.txt", tmp_path / "vn.txt")
    assert "Hà Nội" in article.body
    assert not any("Windows-1252" in w for w in article.warnings)
    assert any("2 bytes" in w for w in article.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "\u201cCaf\u00e9\u201d talks in Paris \u2013 the minister said.",
        "Ministers met in Zürich, Genève and Besançon. Déjà vu, the mayor said.",
        "ÉTÉ À PARIS\nLes ministres se sont réunis à l\u2019hôtel de ville.",
    ],
)
def test_cp1252_files_still_read_as_cp1252(text: str) -> None:
    decoded = decode(text.encode("cp1252"))
    assert decoded.text == text
    assert decoded.warning is not None and "Windows-1252" in decoded.warning


def test_a_cp1252_text_with_an_accidental_utf8_pair_stays_cp1252() -> None:
    # É (0xC9) then ’ (0x92) happens to be valid UTF-8 (U+0252); the é is not.
    text = "JOSÉ’S CAFÉ\n" + "The minister said the talks went well. " * 10 + "Café au lait."
    decoded = decode(text.encode("cp1252"))
    assert decoded.text == text


@pytest.mark.parametrize(
    "text",
    [
        "北京和河内签署合作协议。两国部长会见。",
        "서울과 하노이가 협력 협정을 체결했다.",
        "Москва и Ханой",
        "Hà Nội và Huế",
    ],
)
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_a_bom_in_any_script_stays_utf16(text: str, codec: str) -> None:
    raw = text.encode(codec) if codec == "utf-16" else b"\xfe\xff" + text.encode(codec)
    assert decode(raw).text == text


def test_cp1252_smart_quote_bytes_are_quotes() -> None:
    assert decode(b"\x93Caf\xe9\x94 talks.").text == "\u201cCafé\u201d talks."


def test_pure_ascii_and_utf16_are_unchanged() -> None:
    assert decode(b"Plain words.\n").text == "Plain words.\n"
    assert decode(b"Plain words.\n").warning is None
    assert decode("Xin chào Việt Nam".encode("utf-16")).text == "Xin chào Việt Nam"
    assert decode(b"\xfe\xff" + "Xin chào".encode("utf-16-be")).text == "Xin chào"


def test_a_stray_utf16_bom_before_utf8_text_is_not_read_as_utf16() -> None:
    decoded = decode(b"\xff\xfe" + VIETNAMESE.encode())
    assert "Hà Nội" in decoded.text


# --- 5. NUL bytes and binaries ---------------------------------------------------------


def test_a_few_stray_nuls_are_dropped_and_the_article_kept(tmp_path: Path) -> None:
    raw = VIETNAMESE.encode()
    raw = raw[:100] + b"\x00" + raw[100:300] + b"\x00\x00" + raw[300:]
    article = article_from_bytes(raw, "vn.txt", tmp_path / "vn.txt")
    assert "\x00" not in article.body and "Hà Nội" in article.body
    assert any("3 stray control bytes" in w for w in article.warnings)


def test_a_nul_inside_a_letter_is_dropped_and_the_letter_kept() -> None:
    raw = "Hà Nội talks\nThe mayor of Hà Nội met.".encode()
    split = raw.index("ộ".encode()) + 1
    assert "Hà Nội met" in decode(raw[:split] + b"\x00" + raw[split:]).text


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    pixels = zlib.compress(bytes(random.Random(1).randrange(256) for _ in range(64 * 65)))
    header = (64).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", VIETNAMESE * 3)
    return buffer.getvalue()


def _pdf() -> bytes:
    stream = zlib.compress(b"BT /F1 12 Tf 72 712 Td (Trade talks in Hanoi) Tj ET" * 20)
    return (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"4 0 obj\n<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\n"
        b"stream\n" + stream + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _elf() -> bytes:
    head = Path(sys.executable).resolve().read_bytes()[:16384]
    if not head.startswith(b"\x7fELF"):
        pytest.skip("the Python executable is not an ELF file here")
    return head


@pytest.mark.parametrize(
    "make",
    [_png, _zip, _pdf, _elf, lambda: random.Random(7).randbytes(5000), lambda: b"\x00" * 100],
    ids=["png", "zip", "pdf", "elf", "random", "nuls"],
)
def test_real_binaries_are_still_skipped_as_binary(make: Callable[[], bytes]) -> None:
    with pytest.raises(SkipFile, match="binary"):
        decode(make())


# --- 22a. look-alike letters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("K\u0430zakhstan", "Kazakhstan"),  # Cyrillic а inside a Latin word
        ("\u041aazakhstan", "Kazakhstan"),  # Cyrillic К at its start
        ("Kaz\u043fakhstan", "Kazakhstan"),  # п is no look-alike: a stray letter, dropped
        ("\u0391thens", "Athens"),  # Greek Alpha
        ("новости", "новости"),  # a Cyrillic word stays Cyrillic
        ("Σοφία", "Σοφία"),  # a Greek word stays Greek
        ("Mосква", "Mосква"),  # not every letter a look-alike: left alone
    ],
)
def test_look_alike_letters_inside_latin_words_fold_to_latin(dirty: str, clean: str) -> None:
    assert clean_line(dirty) == clean


def test_the_query_fold_maps_look_alike_letters_too() -> None:
    assert fold("K\u0430zakhstan") == "kazakhstan"
    assert fold("\u0415U") == "eu"
    assert fold("новости") == "новости"
    assert fold_confusables("p\u0430ris and новости") == "paris and новости"


def test_look_alike_letters_do_not_hide_an_article(tmp_path: Path) -> None:
    root = write_articles(
        tmp_path / "arch",
        {
            "kz.txt": "Trade talks\nThe K\u0430zakhstan delegation arrived in Hanoi.",
            "plain.txt": "Other talks\nKazakhstan and Peru signed an accord.",
        },
    )
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        found = {h.id for h in archive.search(SearchRequest(text="Kazakhstan")).hits}
        assert found == {"kz.txt", "plain.txt"}
        typed = {h.id for h in archive.search(SearchRequest(text="K\u0430zakhstan")).hits}
        assert typed == {"kz.txt", "plain.txt"}
        prefix = {h.id for h in archive.search(SearchRequest(text="K\u0430zakh*")).hits}
        assert prefix == {"kz.txt", "plain.txt"}
        assert "Kazakhstan delegation" in archive.article("kz.txt").body


# --- 22b. stacked combining marks ----------------------------------------------------------

ZALGO = "Z\u0337\u0322\u031ba\u0336\u0321\u031bl\u0334\u0328\u031bg\u0335\u0322\u031bo\u0337\u0321\u0315"


def test_a_word_with_stacked_marks_is_one_word_found_by_its_letters(tmp_path: Path) -> None:
    assert [key for _, _, key in word_keys(f"the {ZALGO} text")] == ["the", "zalgo", "text"]
    assert list(word_positions(f"{ZALGO} text")) == ["zalgo", "text"]
    article = parse_article(f"Odd text\nThe {ZALGO} meme spread fast.", "z.txt")
    assert ZALGO in article.body
    root = write_articles(tmp_path / "arch", {"z.txt": f"Odd text\nThe {ZALGO} meme spread fast."})
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        assert [h.id for h in archive.search(SearchRequest(text="zalgo")).hits] == ["z.txt"]
        assert [h.id for h in archive.search(SearchRequest(text='"the zalgo meme"')).hits] == [
            "z.txt"
        ]


def test_a_single_mark_that_does_not_compose_keeps_the_word_whole() -> None:
    assert [key for _, _, key in word_keys("sa\u0336le")] == ["sale"]


# --- 22c. bidi controls --------------------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_bidi_override_controls_are_stripped_from_titles_and_text() -> None:
    article = parse_article(
        "\u202eHanoi talks\u202c end\nThe \u2067mayors\u2069 met in \u202bHanoi\u202c.", "x"
    )
    assert article.title == "Hanoi talks end"
    assert article.body == "The mayors met in Hanoi."
    assert not any(ch in BIDI for ch in article.title + article.body)


# --- property: random damage to a valid UTF-8 article ------------------------------------------

_WORDS = re.compile(r"\w+")
ARTICLE = VIETNAMESE + VIETNAMESE.split("\n", 1)[1]
"""~2.9 KB, a short news article: the 32 bytes an example may change at most are ~1 % of it."""
_ACCENTED = sorted({w for w in _WORDS.findall(ARTICLE) if not w.isascii()})
_MOJIBAKE = re.compile(
    "|".join(re.escape(w.encode().decode("cp1252", "replace")) for w in _ACCENTED)
)
"""The article's accented words as a Windows-1252 misreading would show them."""
STATS = {"tried": 0, "kept": 0, "mojibake": 0}


@st.composite
def damaged(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, int]]]:
    """The article's bytes with 1-4 random edits (insert or overwrite, 1-8 bytes each, any
    bytes or only high ones: UTF-8 lead and continuation bytes), and the byte ranges of the
    original text each edit touched."""
    raw = ARTICLE.encode()
    edits = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(raw)),
                st.binary(min_size=1, max_size=8)
                | st.lists(st.integers(0x80, 0xFF), min_size=1, max_size=8).map(bytes),
                st.booleans(),
            ),
            min_size=1,
            max_size=4,
        )
    )
    touched: list[tuple[int, int]] = []
    out = raw
    # Apply from the end so earlier positions stay those of the original.
    for pos, blob, overwrite in sorted(edits, key=lambda e: -e[0]):
        end = min(pos + len(blob), len(raw)) if overwrite else pos
        out = out[:pos] + blob + out[end:]
        touched.append((pos, end))
    return out, touched


def _accented_spans() -> list[tuple[str, int, int]]:
    spans = []
    for match in _WORDS.finditer(ARTICLE):
        if not match.group(0).isascii():
            start = len(ARTICLE[: match.start()].encode())
            spans.append((match.group(0), start, start + len(match.group(0).encode())))
    return spans


_SPANS = _accented_spans()
"""Each accented word of the article with its byte range."""


def _intact_words(touched: list[tuple[int, int]]) -> list[str]:
    """Accented words whose bytes, and the bytes right next to them, were not edited."""
    return [
        word
        for word, start, end in _SPANS
        if all(e_end < start or e_start > end for e_start, e_end in touched)
    ]


def _check(raw: bytes, touched: list[tuple[int, int]]) -> None:
    STATS["tried"] += 1
    article = article_from_bytes(raw, "vn.txt", Path("vn.txt"))
    assert isinstance(article, Article)
    STATS["kept"] += 1
    text = "\n".join([article.title, article.body, article.trailing, article.source or ""])
    if _MOJIBAKE.search(text) or any("1252" in w or "Latin-1" in w for w in article.warnings):
        STATS["mojibake"] += 1
    present = set(_WORDS.findall(text))
    missing = [w for w in _intact_words(touched) if w not in present]
    assert not missing, (missing, article.warnings)


def test_random_damage_to_a_utf8_article_loses_only_the_damaged_words() -> None:
    STATS.update(tried=0, kept=0, mojibake=0)

    @settings(
        max_examples=1200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(damaged())
    def prop(case: tuple[bytes, list[tuple[int, int]]]) -> None:
        _check(*case)

    prop()
    print(f"\nrandom damage: {STATS}")
    assert STATS["tried"] >= 1000
    assert STATS["kept"] == STATS["tried"]
    assert STATS["mojibake"] == 0


def test_bytes_that_rule_out_cp1252_keep_a_short_utf8_text_utf8() -> None:
    """0x81 and 0x8D are undefined in cp1252 and next to never in Latin-1 text."""
    raw = "Hà Nội talks\n\nThe envoy of Việt Nam spoke.".encode() + b" \x81\x8d x\n"
    decoded = decode(raw)
    assert "Hà Nội" in decoded.text and "Việt Nam" in decoded.text
    assert not any("Latin-1" in w for w in decoded.warnings)
