"""The competent-department tree read once gives the same subtrees as the query per level."""

import pytest

from rectify.organizations.models import Organization, OrganizationTree

pytestmark = pytest.mark.django_db


def test_the_tree_read_once_agrees_with_the_subtrees(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        tree = OrganizationTree()
    with django_assert_num_queries(0):
        subtrees = {org.pk: tree.subtree_ids(org.pk) for org in [world.dept, world.unit, world.office_a]}
    for pk, ids in subtrees.items():
        assert ids == Organization.objects.get(pk=pk).subtree_ids()
    assert {world.unit.pk, world.sibling_unit.pk} <= subtrees[world.dept.pk]
