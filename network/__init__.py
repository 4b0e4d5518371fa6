"""The service network: the authorised service providers (服务商) who do the manufacturer's work,
and which staff user works for which of them (docs/network.md).

Headquarters staff belong to no provider and see everything; a provider's staff see only their
provider's work, through the scoped managers of aftersales/scoping.py. Stations belong to a
provider (``tickets.ServiceStation.provider``). May use: customers, aftersales.
"""
