"""What the dispatch tests share: headquarters, two providers with their staff and stations, and
the clock.

The deadlines are counted by hand in the organisation's default calendar (08:30–17:30, Monday to
Saturday, closed on Sundays and statutory holidays, open with Monday's hours on make-up working
days) with the national days the migrations loaded: Mid-Autumn Festival 25–27 September 2026
(Friday to Sunday) and Sunday 20 September 2026, a make-up working day.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from aftersales.roles import Role
from tests import factories
from tickets.choices import Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECOND = dt.timedelta(seconds=1)

# Thursday 24 September 2026, 16:30: one business hour left that day; Friday to Sunday are the
# Mid-Autumn holiday; Monday 28 opens at 08:30 and three hours later, 11:30, four hours are used.
BEFORE_HOLIDAY = dt.datetime(2026, 9, 24, 16, 30, tzinfo=SHANGHAI)
AFTER_HOLIDAY_DUE = dt.datetime(2026, 9, 28, 11, 30, tzinfo=SHANGHAI)
# Saturday 19 September 2026, 15:30: two hours that day (to 17:30); Sunday 20 is a make-up working
# day, open 08:30, so the other two hours end at 10:30 that Sunday (not on Monday).
BEFORE_MAKEUP_DAY = dt.datetime(2026, 9, 19, 15, 30, tzinfo=SHANGHAI)
MAKEUP_DAY_DUE = dt.datetime(2026, 9, 20, 10, 30, tzinfo=SHANGHAI)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


class Network:
    """Headquarters' agent and managers; provider ``east`` (4 hours to accept, two stations, an
    agent, a manager and a technician) and provider ``west`` (its agent and station)."""

    def __init__(self) -> None:
        self.hq_agent = factories.UserFactory(username="hq-agent", roles=[Role.AGENT], first_name="Hui", last_name="Qi")
        self.hq_manager = factories.UserFactory(
            username="hq-manager", roles=[Role.MANAGER], first_name="Min", last_name="Guo"
        )
        self.hq_manager_2 = factories.UserFactory(
            username="hq-manager-2", roles=[Role.MANAGER], first_name="Mei", last_name="Lin"
        )
        self.east = factories.ServiceProviderFactory(
            code="east", name="East Repairs", name_zh="东区维修", accept_hours=4, email="jobs@east.example"
        )
        self.west = factories.ServiceProviderFactory(code="west", name="West Service", name_zh="西区服务")
        self.east_station = factories.ServiceStationFactory(code="east-1", name="East One", provider=self.east)
        self.east_station_2 = factories.ServiceStationFactory(code="east-2", name="East Two", provider=self.east)
        self.west_station = factories.ServiceStationFactory(code="west-1", name="West One", provider=self.west)
        self.hq_station = factories.ServiceStationFactory(code="hq-1", name="Headquarters One")
        self.east_agent = factories.UserFactory(
            username="east-agent", roles=[Role.AGENT], provider=self.east, first_name="Dong", last_name="Wu"
        )
        # A provider's manager counts as the provider's, not headquarters': never told of expiries.
        self.east_manager = factories.UserFactory(username="east-manager", roles=[Role.MANAGER], provider=self.east)
        self.east_technician = factories.UserFactory(username="east-tech", roles=[Role.TECHNICIAN], provider=self.east)
        self.west_agent = factories.UserFactory(username="west-agent", roles=[Role.AGENT], provider=self.west)


def open_ticket(**fields):
    fields.setdefault("status", Status.ACKNOWLEDGED)
    return factories.TicketFactory(**fields)
