"""Signals the gallery sends for changes that model signals cannot see.

A near-duplicate merge moves likes and tags onto the kept photo with bulk updates, which send no
post_save. Apps that derive something from a person's likes (their taste profile) listen here, so
the gallery never imports them.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that moved them, with `user_ids`: the people whose likes or tags moved.
likes_and_tags_moved = Signal()
