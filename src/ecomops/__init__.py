"""ecomops: run an e-commerce department by its operations manual."""

__version__ = "0.1.0"
