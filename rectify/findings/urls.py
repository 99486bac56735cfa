from django.urls import path

from rectify.findings import views

app_name = "findings"

urlpatterns = [
    path("ledger/columns/", views.LedgerColumnsView.as_view(), name="ledger-columns"),
    path("ledger/saved/", views.SavedViewCreateView.as_view(), name="saved-view-create"),
    path("ledger/saved/<int:pk>/", views.SavedViewOpenView.as_view(), name="saved-view"),
    path("findings/new/", views.FindingCreateView.as_view(), name="finding-create"),
    path("findings/repeats/search/", views.RepeatSearchView.as_view(), name="repeat-search"),
    path("findings/repeats/pick/", views.RepeatPickView.as_view(), name="repeat-pick"),
    path("findings/<int:pk>/edit/", views.FindingUpdateView.as_view(), name="finding-edit"),
]
