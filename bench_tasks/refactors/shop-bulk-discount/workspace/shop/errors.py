"""Exceptions for the shop package."""


class ShopError(Exception):
    """Base class for all shop errors."""


class CatalogError(ShopError):
    """The catalog data is invalid."""


class OrderError(ShopError):
    """The order data is invalid."""
