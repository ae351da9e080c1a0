"""Photos in a local folder, all under one licence and author given by the person ingesting them.

Files are offered by extension (gallery.formats.FILE_EXTENSIONS, case-insensitive), in sorted path order so two
runs list the same photos in the same order; hidden files and folders are skipped, and so is anything
that is not a regular file (a FIFO named .jpg would hang the job) or is a symbolic link leading out of
the folder (symbolic links to sub-folders are not entered either). The pipeline
decides which formats it can read. source_id is the path relative to the folder, the title comes
from the file name and the names of the sub-folders on the way become tags ("Trips/Norway/x.jpg"
-> "trips", "norway").
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from gallery.formats import FILE_EXTENSIONS, mime_type_of_extension
from gallery.licences import is_free_licence, licence_url_for, normalise_licence
from gallery.sources.base import Candidate, SourceError, attribution_line

log = logging.getLogger(__name__)


class FolderSource:
    name = "folder"

    def __init__(
        self,
        folder: Path,
        *,
        licence: str,
        author: str,
        recursive: bool = True,
        extra_licences: Sequence[str] = (),
    ) -> None:
        if not licence.strip() or not author.strip():
            raise SourceError(
                "The folder source needs the photos' licence and author (--licence and --author)."
            )
        if not folder.is_dir():
            raise SourceError(f"The folder {folder} does not exist.")
        self.licence = normalise_licence(licence)
        if not is_free_licence(self.licence, extra_licences):
            raise SourceError(
                f"The licence {self.licence} is not accepted; use CC0, public domain, CC BY or CC BY-SA."
            )
        self.folder = folder.resolve()
        self.author = " ".join(author.split())
        self.recursive = recursive

    def candidates(self) -> Iterator[Candidate]:  # every file is offered; the pipeline judges
        for path in self._image_paths():
            yield self._item(path)

    def _image_paths(self) -> Iterator[Path]:
        for directory, subdirectories, files in os.walk(self.folder, onerror=self._unreadable):
            # Pruning in place is how os.walk is told which sub-folders to enter, and in what order.
            subdirectories[:] = sorted(name for name in subdirectories if not name.startswith("."))
            if not self.recursive:
                subdirectories.clear()
            for name in sorted(files):
                path = Path(directory, name)
                if not name.startswith(".") and path.suffix.lower() in FILE_EXTENSIONS:
                    target = self._regular_file_inside(path)
                    if target is not None:
                        yield target

    def _regular_file_inside(self, path: Path) -> Path | None:
        """The file `path` names (through a symbolic link, if it stays in the folder), or None."""
        try:
            target = path.resolve(strict=True)
            mode = os.lstat(target).st_mode
        except OSError as error:  # gone meanwhile, a broken or looping link, unreadable
            log.info("skipped %s: %s", path, error.strerror or error)
            return None
        if not target.is_relative_to(self.folder):
            log.info("skipped %s: a link to %s, outside the folder", path, target)
            return None
        if not stat.S_ISREG(mode):
            log.info("skipped %s: not a regular file", path)
            return None
        return target

    def _unreadable(self, error: OSError) -> None:
        if Path(error.filename or "") == self.folder:
            raise SourceError(f"Could not read the folder {self.folder}: {error.strerror}.") from error

    def _item(self, path: Path) -> Candidate:
        relative = path.relative_to(self.folder)
        title = " ".join(path.stem.replace("_", " ").replace("-", " ").split())
        tags = tuple(dict.fromkeys(" ".join(part.split()).lower() for part in relative.parts[:-1]))
        return Candidate(
            source=self.name,
            source_id=relative.as_posix(),
            local_path=str(path),
            title=title,
            title_from_file_name=True,
            author=self.author,
            attribution=attribution_line(title, self.author, self.licence),
            licence=self.licence,
            licence_url=licence_url_for(self.licence),
            tags=tags,
            mime=mime_type_of_extension(path.suffix),
        )
