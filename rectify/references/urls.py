from django.urls import path

from rectify.references import views

app_name = "references"

urlpatterns = [
    path("references/cadres/", views.CadreListView.as_view(), name="cadres"),
    path("references/cadres/<int:pk>/", views.CadreDetailView.as_view(), name="cadre"),
    path("references/cadres/<int:pk>/print/", views.CadrePrintView.as_view(), name="cadre-print"),
    path("references/budget/", views.BudgetRankingView.as_view(), name="budget"),
    path("references/budget/units/<int:pk>/", views.BudgetUnitView.as_view(), name="budget-unit"),
    path("references/deliveries/", views.DeliveryListView.as_view(), name="deliveries"),
    path("references/deliveries/new/", views.SendView.as_view(), name="send"),
    path("references/deliveries/<int:pk>/", views.DeliveryDetailView.as_view(), name="delivery"),
    path("references/deliveries/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
]
