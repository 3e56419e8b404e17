"""Outreach: guides bring in residents' ideas on their behalf; residents without
an account send ideas and follow them with a tracking code."""
