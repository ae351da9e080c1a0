"""Hostile conditions during ingest (issue 9, sections 3 and 6): whatever an item raises, a full disk,
FIFOs and links in folders, a server dripping a byte a second, URLs that point at the server's own
network, and a URL list with an unclosed quote. Every item ends stored or refused with a reason, no
file is left behind, and the job always ends."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from ipaddress import ip_address
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from gallery.models import AnalysisStatus, Image, IngestJob, JobStatus
from gallery.services import analysis, storage
from gallery.services.download import (
    DownloadError,
    DownloadLimits,
    download_file,
    is_public_address,
    read_local_file,
)
from gallery.services.ingest import run_ingest_job
from gallery.services.jobs import create_ingest_job
from gallery.sources.base import SourceError
from gallery.sources.http import make_session
from gallery.sources.registry import build_source
from tests.support.fake_commons import install_fake_commons, sample_files
from tests.support.fake_http import FakeHTTPServer, Reply
from tests.support.images import solid_jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def files_on_disk(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def url_list(tmp_path: Path, fake_http: FakeHTTPServer, names: list[str]) -> Path:
    """A URL list of distinct JPEGs served by `fake_http`, one row per name (the name is the title)."""
    rows = ["url,licence,title"]
    for number, name in enumerate(names):
        fake_http.route(f"/{name}.jpg", Reply.image(solid_jpeg(40 + number, 30, (number * 40, 90, 200))))
        rows.append(f"{fake_http.url(f'/{name}.jpg')},CC0,{name}")
    path = tmp_path / "photos.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def run_urls(csv_path: Path, wanted: int = 10) -> IngestJob:
    job = create_ingest_job(source="urls", query=str(csv_path), wanted=wanted, enqueue=False)
    return run_ingest_job(job)


class FullDisk:
    """Stands in for storage.new_temp_file: files with `prefix` open, but the first write fails
    (only in folders under `under`, when given)."""

    def __init__(self, real: Any, prefix: str, under: tuple[str, ...] = ()) -> None:
        self.real, self.prefix, self.under = real, prefix, under

    def __call__(self, folder: Path, *, prefix: str) -> tuple[BinaryIO, Path]:
        handle, path = self.real(folder, prefix=prefix)
        inside = not self.under or any(part in self.under for part in folder.parts)
        if prefix.startswith(self.prefix) and inside:
            handle.write = self._no_space
        return handle, path

    @staticmethod
    def _no_space(data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# --- whatever an item raises -----------------------------------------------------------------------


def test_an_item_that_raises_an_unexpected_error_is_failed_with_its_reason_and_the_batch_goes_on(
    fake_http: FakeHTTPServer, tmp_path: Path, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = analysis.add_tags

    def tags_that_break_on_one_photo(image: Image, **tags: Any) -> None:
        if image.title == "cursed":
            raise KeyError("a bug nobody foresaw")
        real(image, **tags)

    monkeypatch.setattr(analysis, "add_tags", tags_that_break_on_one_photo)

    job = run_urls(url_list(tmp_path, fake_http, ["first", "cursed", "last"]))

    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 2, 1)
    assert job.errors == ["cursed: unexpected error: KeyError: 'a bug nobody foresaw'"]
    assert sorted(Image.objects.values_list("title", flat=True)) == ["first", "last"]
    stored = {name for image in Image.objects.all() for name in storage.image_file_names(image)}
    assert set(files_on_disk(media_root)) == stored  # the cursed photo's original was removed


# --- a full disk -----------------------------------------------------------------------------------


def test_a_full_disk_fails_the_job_leaves_no_photo_or_stray_file_and_the_command_exits(
    fake_http: FakeHTTPServer, tmp_path: Path, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "new_temp_file", FullDisk(storage.new_temp_file, prefix="."))
    csv_path = url_list(tmp_path, fake_http, ["one", "two", "three"])

    with pytest.raises(CommandError, match="cannot write files"):
        call_command("ingest", "urls", str(csv_path), "--count", "3")

    job = IngestJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert "No space left on device" in job.errors[-1]
    assert Image.objects.count() == 0
    assert files_on_disk(media_root) == []
    # It stopped at the first photo instead of failing each in turn (the next ones may have been
    # fetched ahead, but none was counted or written).
    assert (job.done, job.failed, job.position) == (0, 0, 0)
    assert len(job.errors) == 1


def test_a_disk_that_fills_up_during_analysis_marks_the_photos_failed_not_pending(
    fake_http: FakeHTTPServer, tmp_path: Path, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Originals are still written; thumbnails and previews cannot be.
    full_disk = FullDisk(storage.new_temp_file, prefix=".partial-", under=("thumbs", "previews"))
    monkeypatch.setattr(storage, "new_temp_file", full_disk)

    job = run_urls(url_list(tmp_path, fake_http, ["one", "two"]))

    assert job.status == JobStatus.DONE
    assert list(Image.objects.values_list("status", flat=True)) == [AnalysisStatus.FAILED] * 2
    assert all("No space left" in error for error in Image.objects.values_list("analysis_error", flat=True))
    assert not Image.objects.filter(status=AnalysisStatus.PENDING).exists()
    assert not [name for name in files_on_disk(media_root) if not name.startswith("originals/")]


# --- FIFOs and symbolic links in folders ----------------------------------------------------------


def test_a_fifo_named_jpg_in_a_folder_is_skipped_and_the_other_photos_are_stored(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(solid_jpeg(40, 30, (200, 30, 30)))
    os.mkfifo(folder / "b.jpg")
    (folder / "c.jpg").write_bytes(solid_jpeg(40, 30, (30, 30, 200)))
    job = create_ingest_job(
        source="folder",
        query=str(folder),
        wanted=10,
        options={"licence": "CC0", "author": "Ann"},
        enqueue=False,
    )

    run_ingest_job(job)

    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 2, 0)
    assert sorted(Image.objects.values_list("source_id", flat=True)) == ["a.jpg", "c.jpg"]


def test_copying_a_fifo_is_refused_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "trap.jpg"
    os.mkfifo(fifo)

    with pytest.raises(DownloadError, match="not a regular file"):
        read_local_file(fifo, max_bytes=1000)


def test_a_symbolic_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(solid_jpeg(40, 30, (10, 200, 10)))
    folder = tmp_path / "photos"
    (folder / "inside").mkdir(parents=True)
    (folder / "inside" / "kept.jpg").write_bytes(solid_jpeg(40, 30, (200, 200, 10)))
    (folder / "leak.jpg").symlink_to(outside)
    (folder / "alias.jpg").symlink_to(folder / "inside" / "kept.jpg")
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    job = create_ingest_job(
        source="folder",
        query=str(folder),
        wanted=10,
        options={"licence": "CC0", "author": "Ann"},
        enqueue=False,
    )

    run_ingest_job(job)

    assert list(Image.objects.values_list("source_id", flat=True)) == ["inside/kept.jpg"]


# --- a server that drips -------------------------------------------------------------------------


def test_a_server_sending_a_byte_at_a_time_is_cut_off_by_the_download_deadline(
    fake_http: FakeHTTPServer, tmp_path: Path, media_root: Path
) -> None:
    def drip() -> Iterator[bytes]:
        for byte in solid_jpeg()[:60]:
            yield bytes([byte])
            time.sleep(0.1)  # well inside the read timeout, so only an overall deadline stops it

    csv_path = url_list(tmp_path, fake_http, ["quick"])
    fake_http.route(
        "/slow.jpg", lambda request: Reply(200, headers={"Content-Type": "image/jpeg"}, chunks=drip())
    )
    with csv_path.open("a") as handle:
        handle.write(f"{fake_http.url('/slow.jpg')},CC0,slow\n")

    with override_settings(
        IMGSITE_DOWNLOAD_DEADLINE=1.0, IMGSITE_READ_TIMEOUT=2.0, IMGSITE_DOWNLOAD_RETRIES=0
    ):
        job = run_urls(csv_path)

    assert (job.done, job.failed) == (1, 1)
    assert "took more than 1 s to send the file" in job.errors[0]
    assert not [name for name in files_on_disk(media_root) if name.startswith("tmp/")]


# --- the server's own network --------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_loopback_and_link_local_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "91.198.174.192"])
def test_internet_addresses_are_public(address: str) -> None:
    assert is_public_address(ip_address(address))


@override_settings(IMGSITE_ALLOW_PRIVATE_URLS=False)
def test_a_url_list_row_pointing_at_the_servers_own_network_is_refused_without_a_request(
    fake_http: FakeHTTPServer, tmp_path: Path
) -> None:
    csv_path = url_list(tmp_path, fake_http, ["internal"])
    with csv_path.open("a") as handle:
        handle.write("http://localhost:9/admin.jpg,CC0,by name\n")
        handle.write("http://169.254.169.254/latest/meta-data.jpg,CC0,metadata\n")

    job = run_urls(csv_path)

    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 0, 3)
    assert all("private, loopback or link-local address" in error for error in job.errors)
    assert "169.254.169.254" in job.errors[2]
    assert fake_http.requests == []


def test_a_redirect_to_a_private_address_is_refused_before_it_is_followed(tmp_path: Path) -> None:
    trusted, internal = FakeHTTPServer().start(), FakeHTTPServer().start()
    try:
        internal.route("/secret.jpg", Reply.image(solid_jpeg()))
        trusted.route("/photo.jpg", Reply(302, headers={"Location": internal.url("/secret.jpg")}))
        limits = DownloadLimits(
            max_bytes=10_000,
            connect_timeout=2,
            read_timeout=2,
            trusted_hosts=frozenset({trusted.base_url[7:]}),
        )

        with pytest.raises(DownloadError, match="private, loopback or link-local"):
            download_file(
                trusted.url("/photo.jpg"),
                session=make_session("test", retries=0, backoff=0),
                limits=limits,
            )

        assert trusted.hits("/photo.jpg") == 1
        assert internal.requests == []
    finally:
        trusted.stop()
        internal.stop()


@override_settings(IMGSITE_ALLOW_PRIVATE_URLS=False)
def test_photos_from_the_configured_commons_host_are_trusted_like_the_api_itself(
    fake_http: FakeHTTPServer,
) -> None:
    # `make demo` against the local Commons mirror: the deployer chose that host.
    api = install_fake_commons(fake_http, sample_files(2))
    job = create_ingest_job(source="commons", query="Category:Boats", wanted=5, enqueue=False)

    with override_settings(IMGSITE_COMMONS_API=api):
        run_ingest_job(job)

    assert (job.done, job.failed) == (2, 0)


# --- folder roots ---------------------------------------------------------------------------------


def test_a_folder_outside_the_configured_roots_is_refused_and_nothing_is_published(tmp_path: Path) -> None:
    root = tmp_path / "imports"
    root.mkdir()
    job = create_ingest_job(
        source="folder",
        query="/usr/share",
        wanted=5,
        options={"licence": "CC0", "author": "Ann"},
        enqueue=False,
    )

    with override_settings(IMGSITE_FOLDER_ROOTS=[root]):
        run_ingest_job(job)

    assert job.status == JobStatus.FAILED
    assert "outside the folders photos may be imported from" in job.errors[0]
    assert str(root) in job.errors[0]
    assert Image.objects.count() == 0


def test_a_link_inside_a_root_that_leads_out_of_it_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "imports"
    root.mkdir()
    (root / "system").symlink_to("/usr/share", target_is_directory=True)

    with (
        override_settings(IMGSITE_FOLDER_ROOTS=[root]),
        pytest.raises(SourceError, match="outside the folders"),
    ):
        build_source("folder", str(root / "system"), options={"licence": "CC0", "author": "Ann"})


def test_a_folder_below_a_configured_root_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "imports" / "trip").mkdir(parents=True)

    with override_settings(IMGSITE_FOLDER_ROOTS=[tmp_path / "imports"]):
        source = build_source(
            "folder", str(tmp_path / "imports" / "trip"), options={"licence": "CC0", "author": "A"}
        )

    assert list(source.candidates()) == []


# --- URL lists with broken quoting ---------------------------------------------------------------


def test_an_unclosed_quote_in_a_url_list_is_reported_on_the_job(
    fake_http: FakeHTTPServer, tmp_path: Path
) -> None:
    csv_path = url_list(tmp_path, fake_http, ["before"])
    with csv_path.open("a") as handle:
        handle.write(f'{fake_http.url("/x.jpg")},CC0,"Unclosed title\n')
        handle.write(f"{fake_http.url('/y.jpg')},CC0,swallowed\n")

    job = run_urls(csv_path)

    assert job.status == JobStatus.FAILED
    assert job.done == 1
    assert job.errors == [
        "The URL list photos.csv has a quote opened on line 3 that is never closed, so lines 3 to 4 "
        "could not be read; close the quote and run it again."
    ]


def test_a_row_with_text_after_its_closing_quote_is_refused_and_the_rest_goes_on(
    fake_http: FakeHTTPServer, tmp_path: Path
) -> None:
    csv_path = url_list(tmp_path, fake_http, ["first", "after"])
    header, first, after = csv_path.read_text().splitlines()
    csv_path.write_text(
        "\n".join([header, first, f'{fake_http.url("/x.jpg")},"CC0"junk,broken', after]) + "\n"
    )

    job = run_urls(csv_path)

    assert (job.status, job.done, job.rejected) == (JobStatus.DONE, 2, 1)
    assert sorted(Image.objects.values_list("title", flat=True)) == ["after", "first"]


def test_staff_cannot_start_a_folder_job_outside_the_roots_from_the_admin(
    admin_client: Any, tmp_path: Path
) -> None:
    data = {"source": "folder", "query": "/usr/share", "count": "5", "licence": "CC0", "author": "Ada"}

    with override_settings(IMGSITE_FOLDER_ROOTS=[tmp_path]):
        response = admin_client.post(reverse("admin:gallery_ingestjob_start"), data)

    assert response.status_code == 200
    assert "outside the folders photos may be imported from" in response.content.decode()
    assert not IngestJob.objects.exists()
