"""Stored files in S3-compatible object storage (django-storages, the ``s3`` extra), when RECTIFY_S3_BUCKET
is set (rectify.core.deployment.storage_settings). Imported only then: the embedded default needs
neither django-storages nor boto3.

As the file system storage does, it tells the open ``files_follow_transaction`` block of each file it
stores, so that the objects of an action that rolls back are removed with it.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage

from rectify.core.files import note_stored


class TransactionalS3Storage(S3Storage):
    def _save(self, name, content):
        name = super()._save(name, content)
        note_stored(self, name)
        return name
