"""How often the camera fields the site stores agree with exiftool's reading of the same files.

    .venv/bin/python bench/exif_agreement.py [--photos /work/shared/sample-photos] [--keep DIR]

Needs exiftool on the PATH (Debian: libimage-exiftool-perl), for this measurement only: the site never
runs it. The files, written into a temporary folder (or --keep DIR):

- the photos in --photos (default: the shared sample photos), as they are;
- "goexif": the EXIF blocks of the real camera files Debian's golang-github-rwcarlsen-goexif-dev ships
  (EXIF-only stubs there, so each block is put into a small valid JPEG), when that package is installed;
- "makers": one file per maker-note layout of tests/support/camera_files.py, ISO only in the notes;
- "heic": HEIC files encoded by pillow-heif (test-only dependency), rotated and not.

Each file goes through gallery.analysis.pipeline.analyse_file, as an ingest would. A field counts for a
file when either side has a value; it agrees when both give the same (numbers within 0.1%, GPS within
1e-6 degrees). Prints per field and per set the share that agrees, every disagreement, and the refused
files with their reasons.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imgsite.settings.test")

from gallery.analysis.pipeline import analyse_file
from gallery.analysis.result import AnalysisResult, ImageRejected
from tests.support import camera_files as cf
from tests.support.images import heic_with_exif

GOEXIF_SAMPLES = Path("/usr/share/gocode/src/github.com/rwcarlsen/goexif/exif")
MAX_PIXELS = 120_000_000
# Read as numbers (-n). ISO and exposure from the EXIF IFD only: the site takes a maker note's values
# only where the EXIF IFD has none, while exiftool's unqualified ISO prefers some makers' notes (Kodak's
# measured 76 over the EXIF's nominal 80).
EXIFTOOL_TAGS = [
    "-Make",
    "-Model",
    "-DateTimeOriginal",
    "-ModifyDate",
    "-OffsetTimeOriginal",
    "-OffsetTime",
    "-ImageWidth",
    "-ImageHeight",
    "-Orientation",
    "-Rotation",
    "-EXIF:ISO",
    "-EXIF:ISOSpeed",
    "-FNumber",
    "-EXIF:ExposureTime",
    "-FocalLength",
    "-GPSLatitude",
    "-GPSLongitude",
    "-EXIF:GPSAltitude",
    "-EXIF:GPSAltitudeRef",
    "-LensModel",
]

MAKERS: list[tuple[str, str, bytes]] = [
    ("Canon", "Canon PowerShot A75", cf.canon_note(camera_iso_code=17)),
    ("Canon", "Canon EOS 300D DIGITAL", cf.canon_note(camera_iso_code=0x4000 | 1600, lens="EF-S18-55mm")),
    ("Canon", "Canon PowerShot SD1000", cf.canon_note(camera_iso_code=15, auto_iso_raw=32, base_iso_raw=224)),
    ("NIKON CORPORATION", "NIKON D70", cf.nikon_note(400)),
    ("NIKON CORPORATION", "NIKON D300", cf.nikon_note(3200, byte_order="MM")),
    ("NIKON", "E5000", cf.nikon_plain_note(200)),
    ("PENTAX Corporation", "PENTAX Optio S", cf.pentax_note(9)),
    ("PENTAX Corporation", "PENTAX K10D", cf.pentax_note(262)),
    ("Asahi Optical Co.,Ltd", "PENTAX Optio430", cf.asahi_note(16)),
    ("CASIO", "QV-3000EX", cf.casio_type1_note(100)),
    ("CASIO COMPUTER CO.,LTD.", "EX-Z750", cf.casio_type2_note(code=4)),
    ("EASTMAN KODAK COMPANY", "KODAK DX7590 ZOOM DIGITAL CAMERA", cf.kodak_note(80)),
    ("Panasonic", "DMC-FZ1000", cf.panasonic_note(125)),
    ("SONY", "DSLR-A700", cf.sony_note(72)),
    ("FUJIFILM", "FinePix S5600", cf.fujifilm_note()),
]


def main() -> None:
    arguments = parse_arguments()
    if shutil.which("exiftool") is None:
        sys.exit("exiftool is not installed (Debian: apt-get install libimage-exiftool-perl)")
    folder = Path(arguments.keep or tempfile.mkdtemp(prefix="exif-agreement-"))
    files = write_corpus(folder, arguments.photos)
    reference = exiftool_fields([path for _set, path in files])
    report(compare_all(files, reference), files)
    if not arguments.keep:
        shutil.rmtree(folder, ignore_errors=True)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, default=Path("/work/shared/sample-photos"))
    parser.add_argument("--keep", help="write the files here and keep them")
    return parser.parse_args()


def write_corpus(folder: Path, photos: Path) -> list[tuple[str, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [("photos", path) for path in sorted(photos.glob("*.jp*g"))]
    for name, block in goexif_blocks():
        files.append(("goexif", write(folder / f"goexif-{name}", cf.jpeg_with_exif_block(block))))
    for index, (make, model, note) in enumerate(MAKERS):
        block = cf.exif_block(make=make, model=model, note=note)
        files.append(("makers", write(folder / f"maker-{index:02d}.jpg", cf.jpeg_with_exif_block(block))))
    for orientation in (1, 6, 8, 3):
        data = heic_with_exif(120, 80, orientation=orientation, model="iPhone 15")
        files.append(("heic", write(folder / f"iphone-{orientation}.heic", data)))
    return files


def goexif_blocks() -> Iterator[tuple[str, bytes]]:
    """The APP1 EXIF block of each real camera file goexif ships; its pictures were cut off."""
    if not GOEXIF_SAMPLES.is_dir():
        print("(golang-github-rwcarlsen-goexif-dev is not installed: no goexif set)")
        return
    for path in [*sorted(GOEXIF_SAMPLES.glob("samples/*.jpg")), GOEXIF_SAMPLES / "sample1.jpg"]:
        data = path.read_bytes()
        if data[2:4] == b"\xff\xe1" and data[6:12] == b"Exif\0\0":
            length = int.from_bytes(data[4:6], "big")
            yield path.name, data[6 : 4 + length]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def exiftool_fields(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """exiftool's numbers, plus its own printed choice of ISO (maker notes, Canon's composite) as MakerISO."""
    numbers = _exiftool_json(["-n", *EXIFTOOL_TAGS], paths)
    printed = _exiftool_json(["-ISO"], paths)
    for name, fields in numbers.items():
        fields["MakerISO"] = printed.get(name, {}).get("ISO")
    return numbers


def _exiftool_json(options: list[str], paths: list[Path]) -> dict[str, dict[str, Any]]:
    command = ["exiftool", "-j", "-q", "-q", *options, *map(str, paths)]
    output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return {Path(item["SourceFile"]).name: item for item in json.loads(output or "[]")}


def compare_all(
    files: list[tuple[str, Path]], reference: dict[str, dict[str, Any]]
) -> dict[str, dict[str, list[tuple[str, Any, Any]]]]:
    """{set: {field: [(file, ours, exiftool)]}}, plus a "refused" field per set."""
    results: dict[str, dict[str, list[tuple[str, Any, Any]]]] = defaultdict(lambda: defaultdict(list))
    for set_name, path in files:
        try:
            ours = analyse_file(path, max_pixels=MAX_PIXELS)
        except ImageRejected as error:
            results[set_name]["refused"].append((path.name, str(error), None))
            continue
        theirs = reference.get(path.name, {})
        for field, (read_ours, read_theirs, same) in FIELDS.items():
            mine, other = read_ours(ours), read_theirs(theirs)
            if mine is None and other is None:
                continue
            results[set_name][field].append((path.name, mine, other if not same(mine, other) else "="))
    return results


def report(results: dict[str, dict[str, list[tuple[str, Any, Any]]]], files: list[tuple[str, Path]]) -> None:
    print(f"{len(files)} files; exiftool {exiftool_version()}")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for set_name, fields in results.items():
        count = sum(1 for name, _path in files if name == set_name)
        print(f"\n{set_name}: {count} files, {len(fields.get('refused', []))} refused")
        for field in FIELDS:
            rows = fields.get(field, [])
            if not rows:
                continue
            agreeing = sum(1 for _name, _mine, other in rows if other == "=")
            totals[field][0] += agreeing
            totals[field][1] += len(rows)
            print(f"  {field:14} {agreeing:4}/{len(rows):<4} {agreeing / len(rows):7.1%}")
            for name, mine, other in rows:
                if other != "=":
                    print(f"      differs: {name}: ours {mine!r}, exiftool {other!r}")
        for name, reason, _none in fields.get("refused", []):
            print(f"      refused: {name}: {reason}")
    agreeing = sum(value[0] for value in totals.values())
    counted = sum(value[1] for value in totals.values())
    print("\nall sets")
    for field, (good, total) in totals.items():
        print(f"  {field:14} {good:4}/{total:<4} {good / total:7.1%}")
    print(f"  {'every field':14} {agreeing:4}/{counted:<4} {agreeing / max(counted, 1):7.1%}")


def exiftool_version() -> str:
    return subprocess.run(["exiftool", "-ver"], capture_output=True, text=True, check=False).stdout.strip()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _number(value: Any) -> float | None:
    """A number, or the first of several ("200 0": ISOSpeedRatings written with two values)."""
    if isinstance(value, str) and value.split():
        value = value.split()[0]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _positive(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _exiftool_iso(fields: dict[str, Any]) -> float | None:
    """The EXIF IFD's ISO (ISOSpeedRatings, else EXIF 2.3's ISOSpeed), else exiftool's maker-note ISO."""
    return (
        _positive(fields.get("ISO")) or _positive(fields.get("ISOSpeed")) or _positive(fields.get("MakerISO"))
    )


def _close(tolerance: float, *, relative: bool) -> Callable[[Any, Any], bool]:
    def same(mine: Any, other: Any) -> bool:
        if mine is None or other is None:
            return False
        scale = max(abs(mine), abs(other)) if relative else 1.0
        return bool(abs(mine - other) <= tolerance * scale)

    return same


def _equal(mine: Any, other: Any) -> bool:
    return bool(mine == other)


def _exiftool_date(fields: dict[str, Any]) -> str | None:
    text = _text(fields.get("DateTimeOriginal")) or _text(fields.get("ModifyDate"))
    return text[:19] if text and not text.startswith("0000") else None


def _exiftool_offset(fields: dict[str, Any]) -> int | None:
    text = _text(fields.get("OffsetTimeOriginal")) if fields.get("DateTimeOriginal") else None
    text = text or (_text(fields.get("OffsetTime")) if not fields.get("DateTimeOriginal") else None)
    if not text or len(text) < 6 or text[0] not in "+-":
        return None
    minutes = int(text[1:3]) * 60 + int(text[4:6])
    return -minutes if text[0] == "-" else minutes


def _exiftool_size(fields: dict[str, Any]) -> tuple[int, int] | None:
    width, height = fields.get("ImageWidth"), fields.get("ImageHeight")
    if not isinstance(width, int) or not isinstance(height, int):
        return None
    turned = fields.get("Orientation") in (5, 6, 7, 8) or fields.get("Rotation") in (90, 270)
    if "Rotation" in fields:  # HEIF: the file's rotation box, which the decoder applies
        turned = fields.get("Rotation") in (90, 270)
    return (height, width) if turned else (width, height)


def _exiftool_altitude(fields: dict[str, Any]) -> float | None:
    metres = _number(fields.get("GPSAltitude"))
    if metres is None:
        return None
    return -metres if fields.get("GPSAltitudeRef") == 1 else metres


def _our_date(result: AnalysisResult) -> str | None:
    moment = result.exif.taken_at
    return moment.strftime("%Y:%m:%d %H:%M:%S") if moment else None


FIELDS: dict[
    str, tuple[Callable[[AnalysisResult], Any], Callable[[dict[str, Any]], Any], Callable[[Any, Any], bool]]
] = {
    "make": (lambda r: _text(r.exif.camera_make), lambda f: _text(f.get("Make")), _equal),
    "model": (lambda r: _text(r.exif.camera_model), lambda f: _text(f.get("Model")), _equal),
    "date taken": (_our_date, _exiftool_date, _equal),
    "time zone": (lambda r: r.exif.taken_at_offset, _exiftool_offset, _equal),
    "size": (lambda r: (r.width, r.height), _exiftool_size, _equal),
    "ISO": (lambda r: r.exif.iso, _exiftool_iso, _close(1e-9, relative=True)),
    "f-number": (
        lambda r: r.exif.f_number,
        lambda f: _positive(f.get("FNumber")),
        _close(1e-3, relative=True),
    ),
    "exposure": (
        lambda r: r.exif.exposure_time,
        lambda f: _positive(f.get("ExposureTime")),
        _close(1e-3, relative=True),
    ),
    "focal length": (
        lambda r: r.exif.focal_length,
        lambda f: _positive(f.get("FocalLength")),
        _close(1e-3, relative=True),
    ),
    "latitude": (
        lambda r: r.exif.gps_latitude,
        lambda f: _number(f.get("GPSLatitude")),
        _close(1e-6, relative=False),
    ),
    "longitude": (
        lambda r: r.exif.gps_longitude,
        lambda f: _number(f.get("GPSLongitude")),
        _close(1e-6, relative=False),
    ),
    "altitude": (lambda r: r.exif.gps_altitude, _exiftool_altitude, _close(1e-3, relative=False)),
    "lens": (lambda r: _text(r.exif.lens), lambda f: _text(f.get("LensModel")), _equal),
}


if __name__ == "__main__":
    main()
