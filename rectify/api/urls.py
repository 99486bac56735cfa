"""The REST API root: one router, collections in kebab-case plurals (DESIGN.md section 7)."""

urlpatterns: list = []
