"""Privacy: a resident's own data (download, deletion) and the privacy statement."""
