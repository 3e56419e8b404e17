"""Published results and awards."""
