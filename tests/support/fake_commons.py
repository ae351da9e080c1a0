"""A fake Wikimedia Commons Action API on the fake HTTP server, answering in the real JSON shapes
(action=query, generator=categorymembers, prop=imageinfo with extmetadata, formatversion=2,
continuation through the `continue` object), serving Pillow-made JPEGs as the files."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.support.fake_http import FakeHTTPServer, Reply, Request
from tests.support.images import jpeg_with_exif

API_PATH = "/w/api.php"


@dataclass
class FakeFile:
    pageid: int
    name: str
    data: bytes
    licence: str = "CC BY-SA 4.0"
    licence_url: str = "https://creativecommons.org/licenses/by-sa/4.0"
    artist_html: str = '<a href="//commons.wikimedia.org/wiki/User:Ann">Ann Example</a>'
    categories: list[str] = field(default_factory=lambda: ["Boats in harbours", "Quality images"])
    mime: str = "image/jpeg"


def sample_files(count: int) -> list[FakeFile]:
    """`count` distinct JPEGs with camera EXIF, in varied colours so their palettes differ."""
    files = []
    for i in range(count):
        colour = ((37 * i) % 256, (91 * i + 40) % 256, (53 * i + 120) % 256)
        data = jpeg_with_exif(160 + i, 120, colour=colour, taken=f"2020:0{1 + i % 9}:1{i % 10} 10:00:00")
        files.append(FakeFile(pageid=5000 + i, name=f"Sample_{i:03d}.jpg", data=data))
    return files


def install_fake_commons(server: FakeHTTPServer, files: list[FakeFile], *, batch: int = 7) -> str:
    """Serve `files` as members of any category, `batch` per answer. Returns the API URL."""
    for item in files:
        server.route(f"/files/{item.name}", Reply.image(item.data, item.mime))

    def api(request: Request) -> Reply:
        start = int(request.params.get("gcmcontinue", "file|0").rsplit("|", 1)[-1])
        chunk = files[start : start + batch]
        body: dict[str, object] = {
            "batchcomplete": True,
            "query": {"pages": [page(server, item) for item in chunk]},
        }
        if start + batch < len(files):
            body["continue"] = {"gcmcontinue": f"file|{start + batch}", "continue": "gcmcontinue||"}
        return Reply.json(body)

    server.route(API_PATH, api)
    return server.url(API_PATH)


def page(server: FakeHTTPServer, item: FakeFile) -> dict[str, object]:
    def meta(value: str) -> dict[str, str]:
        return {"value": value, "source": "commons-desc-page", "hidden": ""}

    return {
        "pageid": item.pageid,
        "ns": 6,
        "title": f"File:{item.name.replace('_', ' ')}",
        "imagerepository": "local",
        "imageinfo": [
            {
                "timestamp": "2020-01-01T00:00:00Z",
                "size": len(item.data),
                "width": 160,
                "height": 120,
                "mime": item.mime,
                "url": server.url(f"/files/{item.name}"),
                "descriptionurl": server.url(f"/wiki/File:{item.name}"),
                "extmetadata": {
                    "ObjectName": meta(item.name.rsplit(".", 1)[0].replace("_", " ")),
                    "ImageDescription": meta("<p>A test photo</p>"),
                    "Artist": meta(item.artist_html),
                    "LicenseShortName": meta(item.licence),
                    "LicenseUrl": meta(item.licence_url),
                    "Categories": meta("|".join(item.categories)),
                    "DateTimeOriginal": meta("2020-01-01 10:00:00"),
                },
            }
        ],
    }
