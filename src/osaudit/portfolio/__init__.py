"""The OSPO portfolio: many applications' osaudit reports in one DuckDB store.

``reportfile`` reads one JSON report (the only module that knows the report's
JSON), ``config`` the portfolio file, ``store`` the DuckDB tables, ingestion and
the Parquet copy, ``model`` the portfolio tables computed from the store
(headline, vendor products, Art. 29 register, stewardship, trends) and
``render`` their HTML, Markdown, JSON and CSV forms. See docs/portfolio.md.
"""
