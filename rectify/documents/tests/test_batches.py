"""Document batches: asked for in a request, built by a job as the requester, downloaded as one ZIP."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from rectify.documents import batches
from rectify.documents.models import BatchStatus, DocumentBatch
from rectify.findings.models import Finding
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db


def zip_names(response) -> list[str]:
    content = b"".join(response.streaming_content)
    return sorted(zipfile.ZipFile(io.BytesIO(content)).namelist())


def test_a_projects_notices_are_built_by_a_job_one_per_unit(client, world, django_capture_on_commit_callbacks):
    make_finding(world, "issued", unit=world.unit)
    make_finding(world, "issued", unit=world.sibling_unit)
    make_finding(world, "draft", unit=world.other_unit)  # a draft is in no notice
    client.login(username="auditor", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:project-notices", args=[world.project.pk]))
        batch = DocumentBatch.objects.get()
        assert batch.status == BatchStatus.QUEUED  # the request only queues it
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 2, 2)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert f'href="{world.project.get_absolute_url()}" data-testid="batch-back"' in page
    assert "已开始批量生成" in page and 'data-testid="batch-download"' in page and "2 / 2" in page
    names = zip_names(client.get(reverse("documents:batch-download", args=[batch.pk])))
    assert len(names) == 2 and all(name.endswith(".docx") for name in names)


def test_the_progress_fragment_polls_until_done(client, world):
    finding = make_finding(world, "issued")
    batch = DocumentBatch.objects.create(
        requested_by=world["auditor"],
        kind="project_notices",
        title="t",
        object_ids=[world.project.pk, finding.unit_id],
        total=1,
    )
    client.login(username="auditor", password=PASSWORD)
    fragment = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    batches.build_batch(batch.pk)
    fragment = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "下载压缩包" in fragment


def test_close_out_sheets_follow_the_ledgers_filters_and_the_requesters_scope(
    client, world, django_capture_on_commit_callbacks
):
    closed = make_finding(world, "closed")
    make_finding(world, "closed", unit=world.sibling_unit)
    make_finding(world, "issued")  # not verified: no sheet
    client.login(username="auditor", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:close-out-sheets") + f"?unit={world.unit.pk}")
    batch = DocumentBatch.objects.get()
    assert batch.object_ids == [closed.pk] and batch.status == BatchStatus.DONE
    assert response["Location"] == batch.get_absolute_url()
    assert len(zip_names(client.get(reverse("documents:batch-download", args=[batch.pk])))) == 1


def test_a_batch_is_its_requesters_alone(client, world, django_capture_on_commit_callbacks):
    make_finding(world, "closed")
    client.login(username="auditor", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("documents:close-out-sheets"))
    batch = DocumentBatch.objects.get()
    client.login(username="auditor2", password=PASSWORD)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.get(reverse("documents:batch-download", args=[batch.pk])).status_code == 404


def test_nothing_to_build_says_why_and_queues_nothing(client, world):
    make_finding(world, "draft")
    client.login(username="auditor", password=PASSWORD)
    response = client.post(reverse("documents:close-out-sheets"))
    assert response.status_code == 400 and "没有已核实认定的问题" in response.content.decode()
    response = client.post(reverse("documents:project-notices", args=[world.project.pk]))
    assert response.status_code == 400 and "没有可列入审计整改通知书的已下达问题" in response.content.decode()
    assert not DocumentBatch.objects.exists()
    # Another district's project answers 404.
    client.login(username="auditor_b", password=PASSWORD)
    assert client.post(reverse("documents:project-notices", args=[world.project.pk])).status_code == 404
    assert Finding.objects.exists()
