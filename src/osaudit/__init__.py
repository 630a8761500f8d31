"""osaudit: audit an SBOM for vendor lock-in, licence openness and maintenance risk."""

__version__ = "0.1.0"
