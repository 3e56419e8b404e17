"""Outgoing e-mail: a queue table, rendered in the recipient's language, sent by SMTP."""
