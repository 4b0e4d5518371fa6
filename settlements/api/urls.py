"""The settlement API's routes (aftersales/api/urls.py): providers, rate cards, travel
allowances, statements with their moves and exports, and settlement lines."""

from django.urls import path

from settlements.api import statement_views as statements
from settlements.api import tariff_views as tariffs

urlpatterns = [
    path("providers/", tariffs.ProviderList.as_view(), name="provider-list"),
    path("providers/<int:pk>/", tariffs.ProviderDetail.as_view(), name="provider-detail"),
    path("rate-cards/", tariffs.RateCardList.as_view(), name="rate-card-list"),
    path("rate-cards/<int:pk>/", tariffs.RateCardDetail.as_view(), name="rate-card-detail"),
    path("travel-rates/", tariffs.TravelRateList.as_view(), name="travel-rate-list"),
    path("travel-rates/<int:pk>/", tariffs.TravelRateDetail.as_view(), name="travel-rate-detail"),
    path("statements/", statements.StatementList.as_view(), name="statement-list"),
    path("statements/<int:pk>/", statements.StatementDetail.as_view(), name="statement-detail"),
    path("statements/<int:pk>/submit/", statements.StatementSubmit.as_view(), name="statement-submit"),
    path("statements/<int:pk>/start-review/", statements.StatementStartReview.as_view(), name="statement-start-review"),
    path("statements/<int:pk>/return/", statements.StatementReturn.as_view(), name="statement-return"),
    path("statements/<int:pk>/approve/", statements.StatementApprove.as_view(), name="statement-approve"),
    path("statements/<int:pk>/pay/", statements.StatementPay.as_view(), name="statement-pay"),
    path("statements/<int:pk>/export/csv/", statements.StatementCsv.as_view(), name="statement-export-csv"),
    path("statements/<int:pk>/export/xlsx/", statements.StatementXlsx.as_view(), name="statement-export-xlsx"),
    path("settlement-lines/", statements.LineList.as_view(), name="settlement-line-list"),
    path("settlement-lines/<int:pk>/", statements.LineDetail.as_view(), name="settlement-line-detail"),
    path("settlement-lines/<int:pk>/decide/", statements.LineDecide.as_view(), name="settlement-line-decide"),
]
