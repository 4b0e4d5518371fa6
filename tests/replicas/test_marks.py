"""Which views' reads may lag: marked ones and the REST API's lists, asked with GET or HEAD."""

import pytest
from django.http import HttpResponse
from django.urls import resolve
from rest_framework import generics, viewsets

from aftersales.replicas.marks import replica_reads, tolerates_lag

WRITING_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@replica_reads
def marked(request):
    return HttpResponse()


def unmarked(request):
    return HttpResponse()


class Rows(generics.ListCreateAPIView):
    pass


class Row(generics.RetrieveUpdateAPIView):
    pass


@replica_reads
class Report(generics.GenericAPIView):
    pass


class ReportInDetail(Report):
    pass


class RowSet(viewsets.ModelViewSet):
    pass


@pytest.mark.parametrize(
    ("view", "reads_a_replica"),
    [
        (marked, True),
        (unmarked, False),
        (Rows.as_view(), True),
        (Row.as_view(), False),
        (Report.as_view(), True),
        (ReportInDetail.as_view(), False),
        (RowSet.as_view({"get": "list", "post": "create"}), True),
        (RowSet.as_view({"get": "retrieve", "put": "update"}), False),
    ],
)
def test_reads_of_a_get_or_head_may_lag_only_where_the_view_says_so(view, reads_a_replica):
    assert tolerates_lag(view, "GET") is reads_a_replica
    assert tolerates_lag(view, "HEAD") is reads_a_replica
    for method in WRITING_METHODS:
        assert tolerates_lag(view, method) is False


@pytest.mark.parametrize(
    ("path", "reads_a_replica"),
    [
        ("/dashboard/", True),
        ("/dashboard/tickets/contact_late/", True),
        ("/dashboard/export/rates.csv", True),
        ("/dashboard/tickets/contact_late/export.xlsx", True),
        ("/dashboard/revenue/", True),
        ("/dashboard/csi/", True),
        ("/desk/leads/referrals/", True),
        ("/desk/settlement/", True),
        ("/desk/settlement/statements/1/export.csv", True),
        ("/api/metrics/", True),
        ("/api/tickets/", True),
        ("/api/statements/", True),
        ("/api/referrals/", True),
        ("/api/statements/1/export/csv/", True),
        ("/dashboard/thresholds/", False),
        ("/desk/", False),
        ("/desk/settlement/statements/1/", False),
        ("/api/tickets/SR-1/", False),
        ("/api/statements/1/", False),
    ],
)
def test_the_dashboard_exports_reports_and_api_lists_read_from_a_replica(path, reads_a_replica):
    assert tolerates_lag(resolve(path).func, "GET") is reads_a_replica
