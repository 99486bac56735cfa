app_name = "exchange"

urlpatterns: list = [
    # ledger/export.xlsx, ledger/template.xlsx, ledger/import/ (see the issue on the Excel exchange)
]
